import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/** Models, datasets and experiments are lineage roots: their versions (runs) are at depth 1, relation CONTAINS. */

const LINEAGE = `query($id: ID!, $direction: LineageDirection, $first: Int, $asOf: DateTime) {
  lineage(id: $id, direction: $direction, first: $first, asOf: $asOf) {
    root { __typename ... on Model { id } ... on Dataset { id } ... on Experiment { id } }
    nodes { depth node { __typename ... on Model { id } ... on ModelVersion { id } ... on Dataset { id } ... on DatasetVersion { id }
      ... on Experiment { id } ... on Run { id } } }
    edges { from to relation createdAt until }
    truncated
  }
}`;

interface Graph {
  root: { __typename: string; id: string };
  nodes: { depth: number; node: { __typename: string; id: string } }[];
  edges: { from: string; to: string; relation: string; createdAt: string; until: string | null }[];
  truncated: boolean;
}

describe('lineage roots: Model, Dataset, Experiment', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const created: Record<string, string> = {};
  const lineage = async (variables: Record<string, unknown>): Promise<Graph> => (await t.ok(LINEAGE, variables)).lineage;
  const summary = (g: Graph) => g.nodes.map((n) => [Object.keys(ids).find((k) => ids[k] === n.node.id), n.depth]);

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    ids.ds = (await s.dataset()).id;
    ids.d1 = (await s.datasetVersion(ids.ds)).id;
    ids.d2 = (await s.datasetVersion(ids.ds, { derivedFromIds: [ids.d1] })).id;
    ids.exp = (await s.experiment()).id;
    ids.r1 = (await s.run(ids.exp, { inputDatasetVersionIds: [ids.d2] })).id;
    ids.r2 = (await s.run(ids.exp)).id;
    ids.m = (await s.model()).id;
    ids.v1 = (await s.version(ids.m, { runId: ids.r1 })).id;
    await new Promise((r) => setTimeout(r, 5));
    ids.v2 = (await s.version(ids.m, { parentVersionId: ids.v1 })).id;
    ids.v3 = (await s.version(ids.m)).id;
    const at = await t.ok('query($a: ID!, $b: ID!) { a: modelVersion(id: $a) { createdAt } b: modelVersion(id: $b) { createdAt } }', { a: ids.v1, b: ids.v2 });
    created.v1 = at.a.createdAt;
    created.v2 = at.b.createdAt;
  });
  afterAll(() => t.stop());

  it('a Model: root at depth 0, its versions at depth 1 through CONTAINS, then their descendants', async () => {
    const g = await lineage({ id: ids.m });
    expect(g.root).toEqual({ __typename: 'Model', id: ids.m });
    expect(summary(g)).toEqual([['m', 0], ['v1', 1], ['v2', 1], ['v3', 1]]);
    expect(g.edges.map((e) => [e.from, e.to, e.relation])).toEqual([
      [ids.m, ids.v1, 'CONTAINS'], [ids.v1, ids.v2, 'PARENT_OF'], [ids.m, ids.v2, 'CONTAINS'], [ids.m, ids.v3, 'CONTAINS'],
    ].sort((a, b) => (a[1] === b[1] ? (a[2] === 'CONTAINS' ? -1 : 1) : 0)));
    expect(g.truncated).toBe(false);
    // Upstream of a model: nothing (a model is nobody's output).
    expect(summary(await lineage({ id: ids.m, direction: 'UPSTREAM' }))).toEqual([['m', 0]]);
    // A version's upstream names its model (one hop up), as a run's names its experiment.
    const up = await lineage({ id: ids.v2, direction: 'UPSTREAM' });
    expect(Object.fromEntries(summary(up))).toEqual({ v2: 0, v1: 1, m: 1, r1: 2, exp: 3, d2: 3, d1: 4, ds: 4 });
  });

  it('first caps the whole answer, root included', async () => {
    const g = await lineage({ id: ids.m, first: 3 });
    expect(summary(g)).toEqual([['m', 0], ['v1', 1], ['v2', 1]]);
    expect(g.truncated).toBe(true);
    expect(g.edges.map((e) => e.relation).sort()).toEqual(['CONTAINS', 'CONTAINS', 'PARENT_OF']);
    const one = await lineage({ id: ids.m, first: 1 });
    expect([summary(one), one.edges, one.truncated]).toEqual([[['m', 0]], [], true]);
  });

  it('asOf drops versions (and their edges) created later; inclusive at a version\'s creation', async () => {
    const g = await lineage({ id: ids.m, asOf: created.v1 });
    expect(summary(g)).toEqual([['m', 0], ['v1', 1]]);
    expect(g.edges.map((e) => [e.from, e.to, e.relation])).toEqual([[ids.m, ids.v1, 'CONTAINS']]);
    expect(summary(await lineage({ id: ids.m, asOf: new Date(Date.parse(created.v1) - 1).toISOString() }))).toEqual([['m', 0]]);
    expect(summary(await lineage({ id: ids.m, asOf: created.v2 })).map((n) => n[0])).toEqual(['m', 'v1', 'v2']);
  });

  it('a Dataset and an Experiment are roots the same way', async () => {
    const ds = await lineage({ id: ids.ds, direction: 'DOWNSTREAM' });
    expect(ds.root).toEqual({ __typename: 'Dataset', id: ids.ds });
    expect(summary(ds)).toEqual([['ds', 0], ['d1', 1], ['d2', 1], ['r1', 2], ['v1', 3], ['v2', 4]]);
    expect(ds.edges.filter((e) => e.from === ids.ds).map((e) => [e.to, e.relation])).toEqual([[ids.d1, 'CONTAINS'], [ids.d2, 'CONTAINS']]);
    const exp = await lineage({ id: ids.exp, direction: 'DOWNSTREAM', first: 3 });
    expect(summary(exp)).toEqual([['exp', 0], ['r1', 1], ['r2', 1]]);
  });

  it('Model and Dataset have one-hop upstream/downstream', async () => {
    const r = await t.ok(`query($m: ID!, $ds: ID!) {
      model(id: $m) { upstream { __typename } downstream { ... on ModelVersion { id } } two: downstream(first: 2) { ... on ModelVersion { id } } }
      dataset(id: $ds) { upstream { __typename } downstream { ... on DatasetVersion { id } } } }`, { m: ids.m, ds: ids.ds });
    expect(r.model).toEqual({ upstream: [], downstream: [{ id: ids.v1 }, { id: ids.v2 }, { id: ids.v3 }], two: [{ id: ids.v1 }, { id: ids.v2 }] });
    expect(r.dataset).toEqual({ upstream: [], downstream: [{ id: ids.d1 }, { id: ids.d2 }] });
  });

  it('unknown or non-lineage roots are NOT_FOUND', async () => {
    for (const id of ['mdl_01jzzzzzzzzzzzzzzzzzzzzzzz', 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz', 'tr_01jzzzzzzzzzzzzzzzzzzzzzzz', 'nope']) {
      expect(await t.fails(LINEAGE, { id })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    }
  });
});
