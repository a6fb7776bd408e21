import { TestApp } from '../support/app';
import { concurrently, expectEngineOverlap } from '../support/concurrency';
import { seed, unique } from '../support/seed';

type Kind = { type: 'Model' | 'Dataset' | 'Experiment'; one: string; list: string; create: (name: string) => Promise<{ id: string; name: string }> };

const FIELDS = 'id name archived archivedAt updatedAt';
const GONE = 'mv_01jzzzzzzzzzzzzzzzzzzzzzzz';

describe('archival instead of deletion', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  const kinds = (): Kind[] => [
    { type: 'Model', one: 'model', list: 'models', create: (n) => seed(t).model(n) },
    { type: 'Dataset', one: 'dataset', list: 'datasets', create: (n) => seed(t).dataset(n) },
    { type: 'Experiment', one: 'experiment', list: 'experiments', create: (n) => seed(t).experiment(n) },
  ];
  const archive = (k: Kind, id: string) => t.ok(`mutation($id: ID!) { r: archive${k.type}(id: $id) { ${FIELDS} } }`, { id }).then((d) => d.r);
  const restore = (k: Kind, id: string) => t.ok(`mutation($id: ID!) { r: restore${k.type}(id: $id) { ${FIELDS} } }`, { id }).then((d) => d.r);
  const listed = async (k: Kind, prefix: string, includeArchived?: boolean) => {
    const d = await t.ok(`query($f: ${k.type}Filter) { l: ${k.list}(filter: $f, orderBy: { field: NAME, direction: ASC }) { totalCount nodes { name archived } } }`,
      { f: { nameContains: prefix, ...(includeArchived === undefined ? {} : { includeArchived }) } });
    return d.l;
  };

  it.each(['Model', 'Dataset', 'Experiment'])('%s: hidden from its list unless includeArchived, found by id, name and node; restore brings it back', async (type) => {
    const k = kinds().find((x) => x.type === type)!;
    const prefix = unique(`arch-${type}`);
    const [a, b, c] = [await k.create(`${prefix}-a`), await k.create(`${prefix}-b`), await k.create(`${prefix}-c`)];
    const active = await t.ok(`query($id: ID!) { r: ${k.one}(id: $id) { ${FIELDS} } }`, { id: b.id });
    expect(active.r).toMatchObject({ archived: false, archivedAt: null });

    const archived = await archive(k, b.id);
    expect(archived).toMatchObject({ id: b.id, archived: true });
    expect(Date.parse(archived.archivedAt)).toBe(Date.parse(archived.updatedAt));
    expect(await listed(k, prefix)).toEqual({ totalCount: 2, nodes: [{ name: a.name, archived: false }, { name: c.name, archived: false }] });
    expect(await listed(k, prefix, false)).toEqual({ totalCount: 2, nodes: [{ name: a.name, archived: false }, { name: c.name, archived: false }] });
    expect(await listed(k, prefix, true)).toEqual({
      totalCount: 3, nodes: [{ name: a.name, archived: false }, { name: b.name, archived: true }, { name: c.name, archived: false }],
    });
    const lookups = await t.ok(`query($id: ID!, $name: String!) { byId: ${k.one}(id: $id) { ${FIELDS} } byName: ${k.one}(name: $name) { ${FIELDS} }
      node(id: $id) { ... on ${k.type} { ${FIELDS} } } }`, { id: b.id, name: b.name });
    expect(lookups).toEqual({ byId: archived, byName: archived, node: archived });

    // Idempotent: archiving again returns it unchanged.
    expect(await archive(k, b.id)).toEqual(archived);

    const restored = await restore(k, b.id);
    expect(restored).toMatchObject({ id: b.id, archived: false, archivedAt: null });
    expect(Date.parse(restored.updatedAt)).toBeGreaterThanOrEqual(Date.parse(archived.updatedAt));
    expect(await restore(k, b.id)).toEqual(restored);
    expect((await listed(k, prefix)).totalCount).toBe(3);
  });

  it('unknown or foreign ids are NOT_FOUND naming id', async () => {
    const m = await seed(t).model();
    expect(await t.fails('mutation($id: ID!) { archiveModel(id: $id) { id } }', { id: GONE })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(await t.fails('mutation($id: ID!) { restoreDataset(id: $id) { id } }', { id: m.id })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('an archived parent takes no new version, run or deployment until restored; nothing is written', async () => {
    const [m, ds, exp] = [await seed(t).model(), await seed(t).dataset(), await seed(t).experiment()];
    await t.ok('mutation($m: ID!, $d: ID!, $e: ID!) { archiveModel(id: $m) { id } archiveDataset(id: $d) { id } archiveExperiment(id: $e) { id } }',
      { m: m.id, d: ds.id, e: exp.id });
    const version = 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }';
    const refused = [
      [await t.fails(version, { i: { modelId: m.id, artifactUri: 's3://m/a' } }), `Model ${m.name} is archived: restore it first`],
      [await t.fails(version, { i: { modelName: m.name, artifactUri: 's3://m/a' } }), `Model ${m.name} is archived: restore it first`],
      [await t.fails('mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id } }',
        { i: { datasetId: ds.id, uri: 's3://d/1', digest: `sha256:${'b'.repeat(64)}` } }), `Dataset ${ds.name} is archived: restore it first`],
      [await t.fails('mutation($i: StartRunInput!) { startRun(input: $i) { id } }', { i: { experimentId: exp.id } }), `Experiment ${exp.name} is archived: restore it first`],
      [await t.fails('mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }',
        { i: { name: unique('dep'), modelId: m.id, environment: 'prod' } }), `Model ${m.name} is archived: restore it first`],
    ] as const;
    for (const [error, message] of refused) expect(error).toMatchObject({ code: 'PRECONDITION_FAILED', message });
    const counts = await t.ok(`query($m: ID!, $d: ID!, $e: ID!) { model(id: $m) { versionCount deployments { id } }
      dataset(id: $d) { versionCount } experiment(id: $e) { runs { totalCount } } }`, { m: m.id, d: ds.id, e: exp.id });
    expect(counts).toEqual({ model: { versionCount: 0, deployments: [] }, dataset: { versionCount: 0 }, experiment: { runs: { totalCount: 0 } } });

    await t.ok('mutation($m: ID!, $d: ID!, $e: ID!) { restoreModel(id: $m) { id } restoreDataset(id: $d) { id } restoreExperiment(id: $e) { id } }',
      { m: m.id, d: ds.id, e: exp.id });
    expect((await seed(t).version(m.id)).version).toBe('1');
    expect((await seed(t).datasetVersion(ds.id)).version).toBe('1');
    expect((await seed(t).run(exp.id)).id).toMatch(/^run_/);
  });

  it('a model with an ACTIVE deployment is not archived (retire it first); its versions, history and lineage never change', async () => {
    const m = await seed(t).model();
    const [v1, v2] = [await seed(t).version(m.id), await seed(t).version(m.id)];
    const d = await seed(t).deployment(m.id);
    await t.ok('mutation($d: ID!, $v: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $v, percent: 100 }]) { revision } }', { d: d.id, v: v1.id });
    await t.ok('mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { stage } }', { v: v2.id });
    const refused = await t.fails('mutation($id: ID!) { archiveModel(id: $id) { id } }', { id: m.id });
    expect(refused).toMatchObject({ code: 'PRECONDITION_FAILED', message: `Model ${m.name} has ACTIVE deployments (${d.name}): retire them first` });
    expect((await t.ok('query($id: ID!) { model(id: $id) { archived } }', { id: m.id })).model.archived).toBe(false);

    const SNAPSHOT = `query($id: ID!, $v: ID!) { model(id: $id) { versionCount
        versions(first: 10) { nodes { id version stage artifactUri updatedAt } }
        stageHistory { totalCount } }
      lineage(id: $v, direction: BOTH) { nodes { node { __typename } } } }`;
    await t.ok('mutation($d: ID!) { retireDeployment(deploymentId: $d) { status } }', { d: d.id });
    const before = await t.ok(SNAPSHOT, { id: m.id, v: v1.id });
    expect((await t.ok('mutation($id: ID!) { archiveModel(id: $id) { archived } }', { id: m.id })).archiveModel.archived).toBe(true);
    expect(await t.ok(SNAPSHOT, { id: m.id, v: v1.id })).toEqual(before);
    expect(before.model.versions.nodes.map((n: { stage: string }) => n.stage)).toEqual(['PRODUCTION', 'NONE']);
    expect(before.lineage.nodes.map((n: { node: { __typename: string } }) => n.node.__typename).sort()).toEqual(['Model', 'ModelVersion']);
  });

  it('modelVersions(filter:) leaves out versions of archived models unless includeArchived', async () => {
    const [kept, gone] = [await seed(t).model(), await seed(t).model()];
    const [k1, g1, g2] = [await seed(t).version(kept.id), await seed(t).version(gone.id), await seed(t).version(gone.id)];
    const SEARCH = 'query($f: ModelVersionSearch) { modelVersions(filter: $f, first: 10) { totalCount nodes { id } } }';
    const ids = [kept.id, gone.id];
    const visible = (await t.ok(SEARCH, {})).modelVersions.totalCount;
    const all = (await t.ok(SEARCH, { f: { includeArchived: true } })).modelVersions.totalCount;
    expect((await t.ok(SEARCH, { f: { modelIds: ids } })).modelVersions).toEqual({ totalCount: 3, nodes: [{ id: g2.id }, { id: g1.id }, { id: k1.id }] });
    await t.ok('mutation($id: ID!) { archiveModel(id: $id) { id } }', { id: gone.id });
    expect((await t.ok(SEARCH, { f: { modelIds: ids } })).modelVersions).toEqual({ totalCount: 1, nodes: [{ id: k1.id }] });
    expect((await t.ok(SEARCH, { f: { modelIds: ids, includeArchived: true } })).modelVersions.totalCount).toBe(3);
    expect((await t.ok(SEARCH, {})).modelVersions.totalCount).toBe(visible - 2);
    expect((await t.ok(SEARCH, { f: { includeArchived: true } })).modelVersions.totalCount).toBe(all);
    const METRIC = `query($f: ModelVersionSearch) { modelVersions(filter: $f, orderBy: { field: METRIC, metricKey: "auc" }) { totalCount } }`;
    await seed(t).version(kept.id, { metrics: [{ key: 'auc', value: 0.8 }] });
    await t.ok('mutation($id: ID!) { restoreModel(id: $id) { id } }', { id: gone.id });
    await seed(t).version(gone.id, { metrics: [{ key: 'auc', value: 0.9 }] });
    await t.ok('mutation($id: ID!) { archiveModel(id: $id) { id } }', { id: gone.id });
    expect((await t.ok(METRIC, { f: { modelIds: ids } })).modelVersions.totalCount).toBe(1);
    expect((await t.ok(METRIC, { f: { modelIds: ids, includeArchived: true } })).modelVersions.totalCount).toBe(2);
  });

  it('archiving costs the lists no statement: the same count with or without archived rows', async () => {
    const prefix = unique('arch-count');
    const ms = [await seed(t).model(`${prefix}-1`), await seed(t).model(`${prefix}-2`)];
    const LIST = 'query($f: ModelFilter) { models(filter: $f, first: 5) { totalCount nodes { name archived tags { key } } } }';
    const before = await t.statements(LIST, { f: { nameContains: prefix } });
    await t.ok('mutation($id: ID!) { archiveModel(id: $id) { id } }', { id: ms[0].id });
    const after = await t.statements(LIST, { f: { nameContains: prefix } });
    const all = await t.statements(LIST, { f: { nameContains: prefix, includeArchived: true } });
    expect((after.result.data as { models: { totalCount: number } }).models.totalCount).toBe(1);
    expect((all.result.data as { models: { totalCount: number } }).models.totalCount).toBe(2);
    expect(after.statements.length).toBe(before.statements.length);
    expect(all.statements.length).toBe(before.statements.length);
  });

  // The model's row lock serializes both: never an archived model with an ACTIVE deployment.
  it('concurrent archiveModel and createDeployment never leave an archived model with an ACTIVE deployment', async () => {
    let maxOpen = 0;
    for (let round = 0; round < 10; round++) {
      const m = await seed(t).model();
      const run = await concurrently(t, 2, (i) => (i === round % 2
        ? t.gql('mutation($id: ID!) { archiveModel(id: $id) { archived } }', { id: m.id })
        : t.gql('mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }', { i: { name: unique('dep'), modelId: m.id, environment: 'prod' } })));
      maxOpen = Math.max(maxOpen, run.maxOpen);
      const errors = run.results.filter((r) => r.errors).map((r) => r.errors![0].extensions?.code);
      expect(errors).toEqual(['PRECONDITION_FAILED']);
      const state = (await t.ok('query($id: ID!) { model(id: $id) { archived deployments { status } } }', { id: m.id })).model;
      expect(state).toEqual(state.archived ? { archived: true, deployments: [] } : { archived: false, deployments: [{ status: 'ACTIVE' }] });
    }
    expectEngineOverlap(t, maxOpen);
  });
});
