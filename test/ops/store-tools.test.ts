import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteCounts } from '../../scripts/db-backup';
import { DIGEST } from '../support/seed';
import { ensureBuilt, postGraphql, ROOT, startServer, type RunningServer, type ServerDatabase } from '../support/http';
import { createEmptyDatabase, queryUrl } from './support';

/**
 * Moving off the embedded default: a SQLite store seeded through the API is copied (node dist/scripts/db-copy.js)
 * into a new database of the run's engine (MariaDB/MySQL in the mysql project, another SQLite file otherwise),
 * and the registry started on the copy answers exactly as on the original. Backups of the SQLite file too.
 */
const run = (script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  ensureBuilt();
  const child = spawn(process.execPath, [join(ROOT, 'dist/scripts', script), ...args], { cwd: ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
};

async function gql<T = Record<string, any>>(server: RunningServer, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await postGraphql(server.url, { query, variables }, { 'x-actor': 'migrator', 'x-request-id': 'copy-test' });
  if (!res.json?.data || res.json.errors) throw new Error(`GraphQL failed: ${res.text}`);
  return res.json.data as T;
}

/** A lineage-rich graph: experiment, run, datasets, model versions (JSON, metrics, parent), stages, deployment, evaluations, policy, tags. */
async function seedRegistry(s: RunningServer): Promise<{ modelName: string; versionId: string; datasetVersionId: string }> {
  const exp = (await gql(s, 'mutation { createExperiment(input: { name: "churn" }) { id } }')).createExperiment.id;
  const ds = (await gql(s, 'mutation { createDataset(input: { name: "events" }) { id } }')).createDataset.id;
  const dsv: string[] = [];
  for (let i = 0; i < 3; i++) {
    dsv.push((await gql(s, 'mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id } }',
      { i: { datasetId: ds, uri: `s3://data/events/${i}`, digest: DIGEST } })).createDatasetVersion.id);
  }
  const runId = (await gql(s, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
    { i: { experimentId: exp, params: { lr: 0.01, layers: [64, 32], nested: { b: true, a: null } }, inputDatasetVersionIds: [dsv[0]] } })).startRun.id;
  await gql(s, 'mutation($r: ID!) { logRunMetrics(runId: $r, metrics: [{ key: "loss", value: 0.25, step: 1 }, { key: "loss", value: 0.125, step: 2 }]) { id } }', { r: runId });
  const model = (await gql(s, 'mutation { registerModel(input: { name: "churn-model", tags: [{ key: "team", value: "growth" }] }) { id name } }')).registerModel;
  await gql(s, 'mutation($m: ID!) { setMetricDirection(modelId: $m, key: "auc", higherIsBetter: true) { id } }', { m: model.id });
  const versions: string[] = [];
  for (let i = 0; i < 4; i++) {
    versions.push((await gql(s, 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }', { i: {
      modelId: model.id, artifactUri: `s3://models/churn/${i}`, runId: i === 0 ? runId : undefined,
      hyperparameters: { depth: i, rate: 0.5, flags: { z: 1, a: 'x' } }, metrics: [{ key: 'auc', value: 0.8 + i / 100 }],
      datasets: [{ datasetVersionId: dsv[i % 3], role: 'TRAINING' }],
    } })).createModelVersion.id);
  }
  await gql(s, 'mutation($v: ID!) { transitionStage(versionId: $v, stage: STAGING) { id } }', { v: versions[1] });
  await gql(s, 'mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { id } }', { v: versions[2] });
  await gql(s, 'mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) { id } }', { m: model.id, v: versions[2] });
  await gql(s, 'mutation($v: ID!, $d: ID!) { logEvaluation(versionId: $v, datasetVersionId: $d, metrics: [{ key: "auc", value: 0.91 }]) { id } }', { v: versions[2], d: dsv[2] });
  const dep = (await gql(s, 'mutation($m: ID!) { createDeployment(input: { name: "churn-prod", modelId: $m, environment: "production" }) { id } }', { m: model.id })).createDeployment.id;
  await gql(s, 'mutation($d: ID!, $a: ID!, $b: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $a, percent: 90 }, { versionId: $b, percent: 10 }]) { id } }', { d: dep, a: versions[2], b: versions[3] });
  await gql(s, 'mutation($d: ID!, $a: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $a, percent: 100 }]) { id } }', { d: dep, a: versions[2] });
  await gql(s, 'mutation($m: ID!) { setModelPolicy(modelId: $m, input: { requiredApprovals: 1, protectedAliases: ["champion"], deployableStages: [STAGING, PRODUCTION] }) { id } }', { m: model.id });
  await gql(s, 'mutation($v: ID!) { requestStageTransition(versionId: $v, stage: PRODUCTION, comment: "next") { id } }', { v: versions[3] });
  return { modelName: model.name, versionId: versions[2], datasetVersionId: dsv[0] };
}

/** What the registry answers about the seeded graph (compared between the original and the copy). */
async function answers(s: RunningServer, seeded: { modelName: string; versionId: string; datasetVersionId: string }) {
  return {
    lineage: await gql(s, `query($id: ID!) { lineage(id: $id, maxDepth: 10, includeEnded: true) {
      nodes { depth node { ... on Node { id } } } edges { from to relation role createdAt until } truncated } }`, { id: seeded.datasetVersionId }),
    versions: await gql(s, `query($n: String!) { model(name: $n) { id tags { key value } aliases { name updatedAt version { id } } policy { requiredApprovals protectedAliases deployableStages }
      transitionRequests(first: 10) { nodes { id stage status comment requestedBy } } versions(first: 50) { totalCount nodes {
      id version sequence stage hyperparameters createdAt metrics { key value } datasets { role datasetVersion { id } }
      deployments { id } evaluations(first: 10) { nodes { id metrics { key value } } } } } } }`, { n: seeded.modelName }),
    run: await gql(s, `query { experiments(first: 10) { nodes { runs(first: 10) { nodes { id params metrics { key value step } } } } } }`),
    audit: await gql(s, '{ verifyAuditLog { ok checked firstBrokenSequence } auditEvents(first: 100) { totalCount nodes { id sequence hash action at before after } } }'),
  };
}

async function sealed(s: RunningServer): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await gql(s, '{ verifyAuditLog { checked } auditEvents(first: 1) { totalCount } }');
    if (d.verifyAuditLog.checked === d.auditEvents.totalCount || Date.now() > deadline) return d.verifyAuditLog.checked;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('db:copy and db:backup', () => {
  let dir: string;
  let source: ServerDatabase;
  let target: ServerDatabase;
  let original: RunningServer;
  let seeded: Awaited<ReturnType<typeof seedRegistry>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modelgraph-copy-'));
    const file = join(dir, 'registry.db');
    source = { url: `sqlite:${file}`, engine: 'sqlite', file, drop: async () => undefined };
    original = await startServer({ AUDIT_SEAL_INTERVAL_MS: '500' }, { database: source });
    seeded = await seedRegistry(original);
    await sealed(original);
    target = await createEmptyDatabase();
  });
  afterAll(async () => {
    await original?.dispose();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('db:backup writes a consistent copy of the live SQLite file with the same counts, and never overwrites', async () => {
    const file = join(dir, 'backup.db');
    const backup = await run('db-backup.js', ['--from', source.url, '--to', file]);
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    expect(backup.stdout).toMatch(/backed up to .*backup\.db \(\d+ bytes, integrity ok\)/);
    const counts = sqliteCounts(file);
    expect(counts).toEqual(sqliteCounts(source.file!));
    expect(counts.find((c) => c.table === 'model_version')).toEqual({ table: 'model_version', rows: 4 });
    const again = await run('db-backup.js', ['--from', source.url, '--to', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/backup\.db exists: name a new file/);
  });

  it('copies every table into a new database, verified, and the registry on the copy answers the same', async () => {
    const before = await answers(original, seeded);
    expect(before.audit.verifyAuditLog).toEqual({ ok: true, checked: before.audit.auditEvents.totalCount, firstBrokenSequence: null });
    expect(before.audit.auditEvents.totalCount).toBeGreaterThanOrEqual(20);
    await original.stop();

    const copy = await run('db-copy.js', ['--from', source.url, '--to', target.url, '--batch', '7']);
    expect(copy.stderr).toMatch(/migrating the target/);
    expect(copy.code).toBe(0);
    const lines = copy.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^copied and verified \d+ rows in \d+ tables in [\d.]+ s$/);
    // Batches smaller than a table: progress lines.
    expect(copy.stderr).toMatch(/audit_event: 7\/\d+ rows/);
    const table = (name: string) => lines.find((l) => l.trim().startsWith(`${name} `));
    expect(table('model_version')).toMatch(/^\s+model_version\s+4 rows\s+[0-9a-f]{16}\s+ok$/);
    expect(table('audit_event')).toMatch(new RegExp(`\\s${before.audit.auditEvents.totalCount} rows`));
    process.stdout.write(`db:copy (${target.engine}):\n${copy.stdout}`);

    const rows = await queryUrl(target.url, 'SELECT COUNT(*) AS n FROM model_version');
    expect(Number(rows[0].n)).toBe(4);
    const copied = await startServer({}, { database: target });
    try {
      expect(await answers(copied, seeded)).toEqual(before);
      // The copy takes new writes, and its chain goes on from the copied tail.
      await gql(copied, 'mutation { createExperiment(input: { name: "after-copy" }) { id } }');
      expect(await sealed(copied)).toBe(before.audit.auditEvents.totalCount + 1);
      const verify = await gql(copied, '{ verifyAuditLog { ok checked } }');
      expect(verify.verifyAuditLog).toEqual({ ok: true, checked: before.audit.auditEvents.totalCount + 1 });
    } finally {
      await copied.dispose();
    }
  });

  it('copies back from the copy (its engine as the source) into a new SQLite file, with equal checksums', async () => {
    const back = `sqlite:${join(dir, 'back.db')}`;
    const copy = await run('db-copy.js', ['--from', target.url, '--to', back]);
    expect(copy.code).toBe(0);
    const first = await run('db-copy.js', ['--from', back, '--to', `sqlite:${join(dir, 'again.db')}`]);
    expect(first.code).toBe(0);
    // The same rows give the same checksums whichever engine they were read from.
    expect(first.stdout.replace(/ in [\d.]+ s\n$/, '')).toBe(copy.stdout.replace(/ in [\d.]+ s\n$/, ''));
    expect(copy.stdout).toMatch(/\s+model_version\s+4 rows\s/);
  });

  it('refuses a target that already holds rows, and a source that is missing', async () => {
    const refused = await run('db-copy.js', ['--from', source.url, '--to', target.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/db:copy: the target is not empty \(\w+ has \d+ rows\): copy into a new, empty database/);
    const missing = await run('db-copy.js', ['--from', `sqlite:${join(dir, 'nope.db')}`, '--to', target.url]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toMatch(/nope\.db: no such SQLite file/);
    const usage = await run('db-copy.js', ['--from', source.url]);
    expect(usage.code).toBe(2);
  });
});
