import { SANDBOX_DOCUMENT } from '../../src/sandbox-document';
import { postGraphql, startServer, type RunningServer } from '../support/http';
import { cli, cliJson, run, SEED } from './run';

/**
 * The modelgraph CLI as a subprocess (node dist/client/cli.js) against the compiled server on 127.0.0.1:
 * the seeded demo graph, a walkthrough register → promote → alias → deploy → rollback-deployment →
 * lineage → compare → audit, exit statuses and the one-line errors.
 */

interface Version { id: string; version: string; stage: string }
interface Deployment { revision: number; traffic: { percent: number; version: { version: string } }[] }

const split = (d: Deployment) => Object.fromEntries(d.traffic.map((t) => [t.version.version, t.percent]));

describe('the modelgraph CLI', () => {
  let s: RunningServer;
  let url: string;

  beforeAll(async () => {
    s = await startServer();
    url = `${s.url}/graphql`;
    const seeded = await run(process.execPath, [SEED], { MODELGRAPH_URL: url });
    expect(seeded).toMatchObject({ code: 0, stdout: `seeded the demo graph at ${url}\n` });
  });
  afterAll(async () => {
    await s?.dispose();
  });

  it('seeding twice changes nothing', async () => {
    const again = await run(process.execPath, [SEED], { MODELGRAPH_URL: url });
    expect(again).toMatchObject({ code: 0, stdout: `${url} already has the demo graph (model fraud-detector)\n` });
    const models = await cliJson<{ name: string; versioningScheme: string; latestVersion: { version: string } }[]>(url, 'models');
    expect(models.map((m) => [m.name, m.versioningScheme, m.latestVersion.version]).sort()).toEqual([
      ['churn-model', 'SEMVER', '2.0.0'],
      ['demand-forecast', 'TIMESTAMP', '2026.11.09.060000'],
      ['fraud-detector', 'INTEGER', '3'],
    ]);
  });

  it("the Sandbox landing page's operation answers on the seeded graph", async () => {
    const { json } = await postGraphql(s.url, { query: SANDBOX_DOCUMENT });
    expect(json?.errors).toBeUndefined();
    const model = json?.data.model;
    expect(model).toMatchObject({
      name: 'fraud-detector',
      production: { version: '2', run: { name: 'deeper-trees', experiment: { name: 'fraud-training' } } },
      staging: { version: '3' },
      deployments: [{ name: 'fraud-api', revision: 2, traffic: [{ percent: 90, version: { version: '2' } }, { percent: 10, version: { version: '3' } }] }],
    });
    expect(model.production.datasets).toEqual([{ role: 'TRAINING', datasetVersion: { version: '1', uri: 's3://demo-data/features/2026-10-01.parquet', dataset: { name: 'transactions-features' } } }]);
    expect(model.aliases.map((a: { name: string; version: { version: string } }) => `${a.name}=${a.version.version}`).sort()).toEqual(['challenger=3', 'champion=2']);
  });

  it('walks through register, promote, alias, deploy, rollback-deployment, lineage and compare', async () => {
    const before = await cliJson<Version[]>(url, 'versions', 'fraud-detector');
    expect(before.map((v) => [v.version, v.stage])).toEqual([['3', 'STAGING'], ['2', 'PRODUCTION'], ['1', 'ARCHIVED']]);

    const datasets = await cliJson<{ name: string; versionCount: number; latestVersion: { id: string; version: string; derivedFrom: { version: string; dataset: { name: string } }[] } }[]>(url, 'datasets');
    const features = datasets.find((d) => d.name === 'transactions-features')!;
    expect(features.versionCount).toBe(2);
    expect(features.latestVersion.derivedFrom).toEqual([{ id: expect.any(String), version: '2', dataset: { name: 'transactions-raw' } }]);

    const runs = await cliJson<{ name: string; status: string }[]>(url, 'runs', '--experiment', 'fraud-training');
    expect(runs.map((r) => [r.name, r.status])).toEqual([['november-data', 'FINISHED'], ['deeper-trees', 'FINISHED'], ['baseline', 'FINISHED']]);

    const register = ['register', 'fraud-detector', '--artifact', 's3://demo-models/fraud-detector/4/model.onnx',
      '--digest', `sha256:${'4'.repeat(64)}`, '--dataset', `${features.latestVersion.id}:training`,
      '--metric', 'auc=0.941', '--metric', 'logloss=0.199', '--idempotency-key', 'retrain-4'];
    const v4 = await cliJson<{ id: string; version: string; metrics: { key: string; value: number }[]; datasets: { role: string; datasetVersion: { id: string } }[] }>(url, ...register);
    expect(v4.version).toBe('4');
    expect(v4.metrics.map((m) => [m.key, m.value]).sort()).toEqual([['auc', 0.941], ['logloss', 0.199]]);
    expect(v4.datasets).toEqual([{ role: 'TRAINING', datasetVersion: expect.objectContaining({ id: features.latestVersion.id }) }]);
    // A retry with the same key is the same version, not a fifth.
    expect((await cliJson<{ id: string }>(url, ...register)).id).toBe(v4.id);
    const text = await cli(url, ...register);
    expect(text).toEqual({ code: 0, stdout: `registered fraud-detector 4 (${v4.id})\n`, stderr: '' });

    expect(await cliJson<Version>(url, 'promote', 'fraud-detector', '4', 'staging')).toMatchObject({ id: v4.id, stage: 'STAGING' });
    const aliased = await cliJson<{ aliases: { name: string; version: { version: string } }[] }>(url, 'alias', 'fraud-detector', 'challenger', '4');
    expect(aliased.aliases.map((a) => [a.name, a.version.version]).sort()).toEqual([['challenger', '4'], ['champion', '2']]);

    // The seed left revision 2 (2=90 3=10); a 20% canary of 4 is revision 3.
    const deployed = await cliJson<Deployment>(url, 'deploy', 'fraud-api', '2=80', '4=20');
    expect([deployed.revision, split(deployed)]).toEqual([3, { 2: 80, 4: 20 }]);
    const back = await cliJson<Deployment>(url, 'rollback-deployment', 'fraud-api');
    expect([back.revision, split(back)]).toEqual([4, { 2: 90, 3: 10 }]);
    const forward = await cli(url, 'rollback-deployment', 'fraud-api', '--to', '3');
    expect(forward).toEqual({ code: 0, stdout: 'fraud-api revision 5 (ACTIVE): fraud-detector 2: 80%, fraud-detector 4: 20%\n', stderr: '' });

    const up = await cliJson<{ nodes: { depth: number; node: { __typename: string; id: string } }[]; edges: { from: string; to: string; relation: string }[] }>(
      url, 'lineage', v4.id, '--up', '--depth', '2');
    expect(up.edges).toContainEqual(expect.objectContaining({ from: features.latestVersion.id, to: v4.id, relation: 'TRAINED_ON' }));
    expect(up.nodes.filter((n) => n.depth === 2).map((n) => n.node.__typename).sort()).toEqual(['Dataset', 'DatasetVersion']);
    const down = await cli(url, 'lineage', v4.id, '--down');
    expect(down.code).toBe(0);
    expect(down.stdout.split('\n')).toEqual([
      `ModelVersion fraud-detector 4 (STAGING)  ${v4.id}`,
      expect.stringMatching(/^ {2}→ SERVED Deployment fraud-api \(production\) {2}dep_\w+$/),
      '',
    ]);
    const tree = await cli(url, 'lineage', v4.id, '--up', '--depth', '2');
    expect(tree.stdout).toContain('\n  ← TRAINED_ON:TRAINING DatasetVersion transactions-features 2  ');
    expect(tree.stdout).toContain('\n    ← DERIVED DatasetVersion transactions-raw 2  ');

    // The audit log shows what the walkthrough did to v4, newest first, and the table names each event.
    const trail = await cliJson<{ action: string; actor: string; entityId: string; after: { stage?: string } }[]>(url, 'audit', '--entity', v4.id);
    expect(trail.map((e) => [e.action, e.actor, e.entityId])).toEqual([
      ['STAGE_TRANSITIONED', 'local', v4.id], ['MODEL_VERSION_CREATED', 'local', v4.id],
    ]);
    expect(trail[0].after.stage).toBe('STAGING');
    const promotions = await cli(url, 'audit', '--entity', v4.id, '--action', 'stage_transitioned');
    expect(promotions.stdout.split('\n')).toEqual([
      expect.stringMatching(/^AT +ACTION +ACTOR +ENTITY +SEQ$/),
      expect.stringMatching(new RegExp(`^\\S+ \\S+ +STAGE_TRANSITIONED +local +ModelVersion ${v4.id} +(\\d+|-)$`)),
      '',
    ]);

    const v2 = before.find((v) => v.version === '2')!;
    const comparison = await cliJson<{ metrics: { key: string; values: number[]; best: { id: string } }[]; sameDatasets: boolean }>(url, 'compare', v2.id, v4.id);
    expect(comparison.metrics.map((m) => [m.key, m.values, m.best.id])).toEqual([['auc', [0.927, 0.941], v4.id], ['logloss', [0.214, 0.199], v4.id]]);
    expect(comparison.sameDatasets).toBe(false);
    const table = await cli(url, 'compare', v2.id, v4.id);
    expect(table.stdout.split('\n')).toEqual(expect.arrayContaining([
      expect.stringMatching(/^metric auc \(↑\) +0\.927 +0\.941\*$/),
      expect.stringMatching(/^metric logloss \(↓\) +0\.214 +0\.199\*$/),
      expect.stringMatching(/^signature +baseline +compatible$/),
    ]));
  });

  it('creates a model and registers versions in its scheme', async () => {
    const created = await cliJson<{ name: string; versioningScheme: string }>(url, 'create-model', 'cli-semver', '--scheme', 'semver', '--description', 'from the CLI');
    expect(created).toMatchObject({ name: 'cli-semver', versioningScheme: 'SEMVER' });
    const first = await cliJson<{ version: string }>(url, 'register', 'cli-semver', '--artifact', 's3://m/1');
    const major = await cliJson<{ version: string }>(url, 'register', 'cli-semver', '--artifact', 's3://m/2', '--bump', 'major');
    expect([first.version, major.version]).toEqual(['1.0.0', '2.0.0']);
    expect(await cli(url, 'create-model', 'cli-semver')).toMatchObject({ code: 5, stderr: expect.stringMatching(/^error: CONFLICT: .*\(field: input\.name\)\n$/) });
  });

  it('answers failures with one stderr line and the exit status of their kind', async () => {
    expect(await cli(url, 'versions', 'no-such-model')).toEqual({ code: 3, stdout: '', stderr: 'error: NOT_FOUND: model "no-such-model" not found (field: model)\n' });
    expect(await cli(url, 'deploy', 'fraud-api', '2=50', '3=40')).toMatchObject({ code: 4, stderr: expect.stringMatching(/^error: BAD_USER_INPUT: .*\(field: traffic\)\n$/) });
    const badDigest = await cli(url, 'register', 'fraud-detector', '--artifact', 's3://x/y', '--digest', 'md5:nope');
    expect(badDigest).toMatchObject({ code: 4, stdout: '', stderr: expect.stringMatching(/^error: BAD_USER_INPUT: .*\(field: input\.artifactDigest\)\n$/) });
    expect(await cli(url, 'promote', 'fraud-detector', '2', 'production')).toMatchObject({ code: 5, stderr: expect.stringMatching(/^error: PRECONDITION_FAILED: /) });
    expect(await cli('http://127.0.0.1:1/graphql', 'models')).toMatchObject({ code: 7, stderr: expect.stringMatching(/^error: NETWORK_ERROR: cannot reach /) });
  });

  it('refuses bad usage with status 2 before calling the server', async () => {
    const badMetric = await cli(url, 'register', 'fraud-detector', '--artifact', 's3://x/y', '--metric', 'auc=high');
    expect(badMetric.code).toBe(2);
    expect(badMetric.stderr).toMatch(/^error: option '--metric <key=value>' argument 'auc=high' is invalid\. expected KEY=NUMBER/);
    expect((await cli(url, 'register', 'fraud-detector')).code).toBe(2); // --artifact missing
    expect((await cli(url, 'deploy', 'fraud-api', '2=ninety')).code).toBe(2);
    expect((await cli(url, 'promote', 'fraud-detector', '2', 'prod')).code).toBe(2);
    expect((await cli(url, 'frobnicate')).code).toBe(2);
    const help = await cli(url, 'lineage', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: modelgraph lineage [options] <id>');
    // Nothing reached the registry: fraud-detector still has versions 1-4 only.
    expect((await cliJson<Version[]>(url, 'versions', 'fraud-detector')).map((v) => v.version)).toEqual(['4', '3', '2', '1']);
  });
});
