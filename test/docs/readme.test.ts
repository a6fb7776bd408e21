import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { TestApp } from '../support/app';

const graphqlBlocks = [...readFileSync(resolve(__dirname, '../../README.md'), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
const isSchemaOnly = (text: string) => parse(text).definitions.every((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION);
/** The README's GraphQL examples, run in order as a reader would paste them (schema sketches, e.g. another subgraph's, are not run). */
const blocks = graphqlBlocks.filter((text) => !isSchemaOnly(text));
/** Schema sketches: another subgraph's SDL extending ours by key. */
const sdlBlocks = graphqlBlocks.filter(isSchemaOnly);

/** Which variable each mutation's returned id feeds (what a reader copies into Sandbox's Variables panel). */
const ID_VARIABLE: Record<string, string> = {
  createExperiment: 'experimentId',
  createDatasetVersion: 'datasetVersionId',
  startRun: 'runId',
  registerModel: 'modelId',
  createModelVersion: 'versionId',
  createDeployment: 'deploymentId',
};

type Data = Record<string, any>;
type Known = Record<string, unknown>;

const PARAMS = { max_depth: 6, eta: 0.1 };
const served = (traffic: { version: { version: string }; percent: number }[]) => traffic.map((s) => [s.version.version, s.percent]);
const relationsOf = (edges: { relation: string }[]) => [...new Set(edges.map((e) => String(e.relation).toUpperCase()))].sort();

/** The answer each example must give (by operation name): a reader is told these values. */
const ANSWERS: Record<string, (d: Data, known: Known) => void> = {
  CreateExperiment: (d) => expect(d.createExperiment).toEqual({ id: expect.stringMatching(/^exp_/), name: 'churn' }),
  CreateDataset: (d) => expect(d.createDataset.id).toMatch(/^ds_/),
  CreateDatasetVersion: (d) => expect(d.createDatasetVersion).toEqual({ id: expect.stringMatching(/^dsv_/), version: '1' }),
  RegisterModel: (d) => expect(d.registerModel).toEqual({ id: expect.stringMatching(/^mdl_/), name: 'churn-classifier' }),
  StartRun: (d) => expect(d.startRun.status).toBe('RUNNING'),
  Log: (d) => expect(d.finishRun).toEqual({ status: 'FINISHED', endedAt: expect.any(String) }),
  Register: (d) => expect(d.createModelVersion).toMatchObject({
    version: '1.0.0', sequence: 1, stage: 'NONE', gitCommit: '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  }),
  WalkBack: (d) => {
    expect(d.model).toMatchObject({ name: 'churn-classifier', latestVersion: { version: '1.0.0' } });
    expect(d.model.versions).toMatchObject({ totalCount: 1, pageInfo: { hasNextPage: false } });
    expect(d.model.versions.nodes[0]).toEqual({
      version: '1.0.0', artifactUri: 's3://models/churn/4f2a9c1/model.xgb', metrics: [{ key: 'auc', value: 0.91 }],
      run: { name: 'xgboost-depth6', params: PARAMS, gitCommit: '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39', experiment: { name: 'churn' },
        metrics: [{ key: 'auc', value: 0.91, step: 10 }] },
      datasets: [{ role: 'TRAINING', datasetVersion: { uri: 's3://lake/customers/2026-11-27/', digest: expect.stringMatching(/^sha256:/),
        rowCount: 120000, dataset: { name: 'customers' } } }],
    });
  },
  FromTheData: (d) => {
    const at = (type: string) => d.lineage.nodes.filter((n: Data) => n.node.__typename === type);
    expect(at('Run')).toEqual([{ depth: 1, node: { __typename: 'Run', runName: 'xgboost-depth6', status: 'FINISHED' } }]);
    expect(at('ModelVersion')).toEqual([{ depth: 1, node: { __typename: 'ModelVersion', version: '1.0.0', model: { name: 'churn-classifier' } } }]);
  },
  Promote: (d) => expect(d.transitionStage).toEqual({ version: '1.0.0', stage: 'PRODUCTION', updatedAt: expect.any(String) }),
  Candidate: (d) => expect(d.createModelVersion.version).toBe('1.1.0'),
  CreateDeployment: (d) => expect(d.createDeployment).toMatchObject({ revision: 0, traffic: [] }),
  Serve: (d) => {
    expect(d.deploy.revision).toBe(1);
    expect(served(d.deploy.traffic)).toEqual([['1.0.0', 100]]);
  },
  Canary: (d) => {
    expect(d.deploy.revision).toBe(2);
    expect(served(d.deploy.traffic)).toEqual([['1.0.0', 90], ['1.1.0', 10]]);
  },
  RollBack: (d) => {
    expect(d.rollbackDeployment.revision).toBe(3);
    expect(served(d.rollbackDeployment.traffic)).toEqual([['1.0.0', 100]]);
  },
  History: (d, known) => {
    const revisions = [...d.deployment.revisions.nodes].sort((a: Data, b: Data) => a.revision - b.revision);
    expect(revisions.map((r: Data) => [r.revision, r.kind, r.rolledBackTo, served(r.traffic)])).toEqual([
      [1, 'DEPLOY', null, [['1.0.0', 100]]],
      [2, 'DEPLOY', null, [['1.0.0', 90], ['1.1.0', 10]]],
      [3, 'ROLLBACK', 1, [['1.0.0', 100]]],
    ]);
    expect(revisions.map((r: Data) => r.comment)).toEqual([null, 'canary 1.1.0', 'p99 latency']);
    const moves = d.deployment.model.stageHistory.nodes.map((h: Data) => [h.version.version, h.fromStage, h.toStage]);
    expect(moves).toEqual(expect.arrayContaining([['1.0.0', 'NONE', 'PRODUCTION']]));
    expect(known.promotedAt).toEqual(expect.any(String));
    expect(d.deployment.model.versionInStage).toEqual({ version: '1.0.0' });
  },
  Audit: (d) => {
    expect(d.auditEvents.totalCount).toBe(4);
    expect(d.auditEvents.nodes.map((e: Data) => [e.action, e.actor, e.entityType, e.before, e.after.revision])).toEqual([
      ['DEPLOYMENT_ROLLED_BACK', 'local', 'Deployment', { revision: 2 }, 3],
      ['DEPLOYMENT_UPDATED', 'local', 'Deployment', { revision: 1 }, 2],
      ['DEPLOYMENT_UPDATED', 'local', 'Deployment', { revision: 0 }, 1],
      ['DEPLOYMENT_CREATED', 'local', 'Deployment', null, 0],
    ]);
    expect(d.auditEvents.nodes[0].after).toEqual({ revision: 3, rolledBackTo: 1, traffic: [{ versionId: expect.stringMatching(/^mv_/), percent: 100 }], comment: 'p99 latency' });
    expect(d.verifyAuditLog).toEqual({ ok: true, checked: expect.any(Number), firstBrokenSequence: null });
  },
  DeployOnlyProduction: (d) => expect(d.setModelPolicy.policy).toEqual({ requiredApprovals: 0, protectedAliases: [], deployableStages: ['PRODUCTION'] }),
  Upstream: (d) => {
    expect(d.lineage.truncated).toBe(false);
    const found = d.lineage.nodes.map((n: Data) => [n.depth, n.node.__typename, n.node.version ?? n.node.runName ?? n.node.uri ?? n.node.name]);
    expect(found).toEqual(expect.arrayContaining([
      [1, 'ModelVersion', '1.0.0'], [2, 'Run', 'xgboost-depth6'], [2, 'DatasetVersion', 's3://lake/customers/2026-11-27/'], [3, 'Experiment', 'churn'],
    ]));
    expect(relationsOf(d.lineage.edges)).toEqual(expect.arrayContaining(['CONSUMED', 'CONTAINS', 'PRODUCED', 'SERVED', 'TRAINED_ON']));
    const trained = d.lineage.edges.find((e: Data) => String(e.relation).toUpperCase() === 'TRAINED_ON');
    expect(trained.role).toBe('TRAINING');
  },
  Reproduce: (d) => expect(d.modelVersion.reproducibility).toEqual({
    complete: true, missing: [], gitRepo: 'https://github.com/acme/churn', gitCommit: '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    hyperparameters: PARAMS, hyperparametersSource: 'RUN',
    datasets: [{ uri: 's3://lake/customers/2026-11-27/', digest: expect.stringMatching(/^sha256:/) }], parents: [],
  }),
  Evaluate: (d) => expect(d.logEvaluation).toEqual({ version: { version: '1.1.0' }, metrics: [{ key: 'auc', value: 0.93 }] }),
  Trend: (d) => {
    expect(d.model.nodes).toEqual([{ version: { version: '1.0.0' }, value: 0.91 }]);
    expect(d.evaluated.nodes).toEqual([{ version: { version: '1.1.0' }, value: 0.93 }]);
  },
  CompareOnTestSet: (d) => expect(d.compareVersions.metrics).toEqual([
    { key: 'auc', values: [null, 0.93], best: { version: '1.1.0' }, higherIsBetter: true, directionsDisagree: false },
  ]),
  Watch: (d) => expect(d.setDriftPolicy).toEqual({ metric: 'auc', baseline: null, maxRelativeDrop: 0.05, higherIsBetter: true, window: 3 }),
  Monitor: (d) => expect(d.recordDeploymentMetrics).toEqual({ name: 'churn-api' }),
  Drift: (d) => {
    expect(d.deployment.drift.status).toBe('DRIFTING');
    expect(d.deployment.drift.checks).toHaveLength(1);
    const [check] = d.deployment.drift.checks;
    expect(check).toMatchObject({ metric: 'auc', version: { version: '1.0.0' }, baseline: 0.91, baselineSource: 'REGISTRATION', samples: 3, drifting: true });
    expect(check.current).toBeCloseTo(0.85, 12);
    expect(check.relativeChange).toBeCloseTo(-0.06 / 0.91, 12);
  },
  Search: (d) => expect(d.modelVersions).toEqual({ totalCount: 0, nodes: [] }),
  Compare: (d) => expect(d.compareVersions).toEqual({
    versions: [{ version: '1.0.0' }, { version: '1.1.0' }],
    params: [{ key: 'eta', values: [0.1, 0.1], differs: false }, { key: 'max_depth', values: [6, 6], differs: false }],
    metrics: [{ key: 'auc', values: [0.91, null], deltas: [0, null], best: { version: '1.0.0' }, higherIsBetter: true }],
    sameDatasets: false,
    signatureChanges: [{ version: { version: '1.1.0' }, compatible: true, breaking: [] }],
  }),
};

describe('README examples', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('shows another subgraph extending our entities by key, with types and keys that exist here', async () => {
    expect(sdlBlocks).toHaveLength(1);
    const sdl = parse(sdlBlocks[0]);
    const extended = sdl.definitions.flatMap((d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION ? [d.name.value] : []));
    expect(extended).toEqual(['Deployment', 'ModelVersion']);
    const ours = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
    for (const type of extended) expect(ours).toMatch(new RegExp(`type ${type} implements [^{]*@key\\(fields: "id"\\)`));
  });

  it("the webhook receiver's signature check accepts the registry's signature and refuses anything else", () => {
    const js = [...readFileSync(resolve(__dirname, '../../README.md'), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(js).toHaveLength(1);
    const source = /function verifySignature[\s\S]*?\n}\n/.exec(js[0])?.[0];
    expect(source).toBeDefined();
    const verify = new Function('createHmac', 'timingSafeEqual', `${source}; return verifySignature;`)(createHmac, timingSafeEqual) as
      (body: string, header: string | undefined, secret: string) => boolean;
    const body = '{"id":"evt_1","type":"STAGE_TRANSITIONED"}';
    const signature = `sha256=${createHmac('sha256', 'whsec_test').update(body).digest('hex')}`;
    expect(verify(body, signature, 'whsec_test')).toBe(true);
    expect(verify(body, signature, 'another secret')).toBe(false);
    expect(verify(`${body} `, signature, 'whsec_test')).toBe(false);
    expect(verify(body, undefined, 'whsec_test')).toBe(false);
  });

  it('has examples, each named and each with the answer it must give', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const names = blocks.map((b) => operationOf(b).name?.value);
    expect(names.filter((n) => !n || !ANSWERS[n])).toEqual([]);
    expect(Object.keys(ANSWERS).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('work as pasted, in order, and answer what the README says', async () => {
    const known: Known = {};
    for (const block of blocks) {
      const operation = operationOf(block);
      const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, known[v.variable.name.value]]));
      const result = await t.gql(block, variables);
      expect({ block, errors: result.errors }).toEqual({ block, errors: undefined });
      ANSWERS[operation.name!.value](result.data as Data, known);
      // A block may name what feeds a later one ("# its id → $canaryId"); otherwise the mutation's id feeds its usual variable.
      const [, field, named] = /# its (\w+) → \$(\w+)/.exec(block) ?? [];
      for (const [root, value] of Object.entries(result.data ?? {})) {
        const picked = (value as Record<string, unknown> | null)?.[field ?? 'id'];
        const variable = named ?? ID_VARIABLE[root];
        if (variable && picked) known[variable] = picked;
      }
    }
    expect(Object.keys(known).sort()).toEqual(['canaryId', 'datasetVersionId', 'deploymentId', 'experimentId', 'modelId', 'promotedAt', 'runId', 'versionId']);
  });

  it('sending the Register example again returns its version; the same key with another artifact is CONFLICT', async () => {
    const register = blocks.find((b) => operationOf(b).name?.value === 'Register')!;
    const d = await t.ok('{ model(name: "churn-classifier") { version(label: "1.0.0") { id run { id } datasets { datasetVersion { id } } } } }');
    const v = d.model.version;
    const variables = { runId: v.run.id, datasetVersionId: v.datasets[0].datasetVersion.id };
    expect((await t.ok(register, variables)).createModelVersion).toMatchObject({ id: v.id, version: '1.0.0' });
    const changed = await t.fails(register.replace('model.xgb', 'model-2.xgb'), variables);
    expect(changed).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    expect(changed.errors[0].extensions?.reason).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('the Search example without its tag condition finds 1.0.0, as the README says', async () => {
    const search = blocks.find((b) => operationOf(b).name?.value === 'Search')!;
    const d = await t.ok(search.replace(', tagKey: "team"', ''));
    expect(d.modelVersions).toEqual({ totalCount: 1, nodes: [{ version: '1.0.0', model: { name: 'churn-classifier' }, metrics: [{ key: 'auc', value: 0.91 }] }] });
  });

  it('the History example\'s asOf is inclusive: a millisecond before the promotion, nothing was in PRODUCTION', async () => {
    const d = await t.ok('{ model(name: "churn-classifier") { id stageHistory { nodes { toStage at } } } }');
    const promoted = d.model.stageHistory.nodes.find((h: Data) => h.toStage === 'PRODUCTION').at as string;
    const q = 'query($asOf: DateTime!) { model(name: "churn-classifier") { versionInStage(stage: PRODUCTION, asOf: $asOf) { version } } }';
    expect((await t.ok(q, { asOf: promoted })).model.versionInStage).toEqual({ version: '1.0.0' });
    const before = new Date(Date.parse(promoted) - 1).toISOString();
    expect((await t.ok(q, { asOf: before })).model.versionInStage).toBeNull();
  });
});

function operationOf(block: string): OperationDefinitionNode {
  return parse(block).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
}

describe('the repository documents itself', () => {
  const root = resolve(__dirname, '../..');
  const files = (dir: string): string[] => readdirSync(resolve(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|md|graphql)$/.test(f) && !f.includes('generated')).map((f) => `${dir}/${f}`);

  it('README and docs/api.md link only to files that exist in the repository', () => {
    for (const doc of ['README.md', 'docs/api.md']) {
      const text = readFileSync(resolve(root, doc), 'utf8');
      const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
      expect({ doc, missing: links.filter((l) => !existsSync(resolve(dirname(resolve(root, doc)), l))) }).toEqual({ doc, missing: [] });
    }
    expect(readFileSync(resolve(root, 'README.md'), 'utf8')).toContain('](docs/api.md)');
  });

  it('code and tests cite docs/api.md, never a contract outside the repository', () => {
    // Built from parts so that this file does not name what it looks for.
    const cited = new RegExp(`(^|[^/\\w])(${['API', 'DESIGN', ['STACK', 'NOTES'].join('-')].join('|')})[.]md`);
    const outside = ['src', 'test', 'client', 'bench'].flatMap(files).filter((f) => cited.test(readFileSync(resolve(root, f), 'utf8')));
    expect(outside).toEqual([]);
  });
});
