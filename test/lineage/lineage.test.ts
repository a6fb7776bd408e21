import { TestApp } from '../support/app';
import { seed } from '../support/seed';

const LINEAGE = `query($id: ID!, $direction: LineageDirection, $maxDepth: Int, $first: Int) {
  lineage(id: $id, direction: $direction, maxDepth: $maxDepth, first: $first) {
    root { __typename ... on ModelVersion { id } }
    nodes { depth node { __typename ... on Experiment { id } ... on Run { id } ... on Model { id } ... on ModelVersion { id }
      ... on Dataset { id } ... on DatasetVersion { id } ... on Deployment { id } } }
    edges { from to relation role }
    truncated
  }
}`;

type Graph = { nodes: { depth: number; node: { __typename: string; id: string } }[]; edges: { from: string; to: string; relation: string; role: string | null }[]; truncated: boolean };

describe('lineage', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const lineage = async (id: string, direction: string, maxDepth = 10, first = 500): Promise<Graph> =>
    (await t.ok(LINEAGE, { id, direction, maxDepth, first })).lineage;
  const named = (g: Graph) => g.nodes.map((n) => [Object.keys(ids).find((k) => ids[k] === n.node.id), n.depth]);

  /**
   *  raw(dsv) ──derived──▶ clean(dsv) ──consumed──▶ run ──produced──▶ v1 ──parent_of──▶ v2
   *                          └──────────trained_on (TRAINING)──────────▶ v1
   *  exp ──contains──▶ run      model ──contains──▶ v1, v2      ds ──contains──▶ raw, clean
   */
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const ds = await s.dataset();
    ids.ds = ds.id;
    ids.raw = (await s.datasetVersion(ds.id)).id;
    ids.clean = (await s.datasetVersion(ds.id, { derivedFromIds: [ids.raw] })).id;
    ids.exp = (await s.experiment()).id;
    ids.run = (await s.run(ids.exp, { inputDatasetVersionIds: [ids.clean] })).id;
    const model = await s.model();
    ids.model = model.id;
    ids.v1 = (await s.version(model.id, { runId: ids.run, datasets: [{ datasetVersionId: ids.clean, role: 'TRAINING' }] })).id;
    ids.v2 = (await s.version(model.id, { parentVersionId: ids.v1 })).id;
  });
  afterAll(() => t.stop());

  it('walks upstream with shortest depths, in depth then creation order', async () => {
    const g = await lineage(ids.v2, 'UPSTREAM');
    expect(named(g)).toEqual([['v2', 0], ['v1', 1], ['model', 1], ['clean', 2], ['exp', 3], ['run', 2], ['raw', 3], ['ds', 3]].sort(
      (a, b) => (a[1] as number) - (b[1] as number) || ids[a[0] as string].slice(-26).localeCompare(ids[b[0] as string].slice(-26)),
    ));
    expect(g.truncated).toBe(false);
    expect(g.edges).toEqual(expect.arrayContaining([
      { from: ids.raw, to: ids.clean, relation: 'DERIVED', role: null },
      { from: ids.clean, to: ids.run, relation: 'CONSUMED', role: null },
      { from: ids.run, to: ids.v1, relation: 'PRODUCED', role: null },
      { from: ids.clean, to: ids.v1, relation: 'TRAINED_ON', role: 'TRAINING' },
      { from: ids.v1, to: ids.v2, relation: 'PARENT_OF', role: null },
      { from: ids.exp, to: ids.run, relation: 'CONTAINS', role: null },
      { from: ids.model, to: ids.v1, relation: 'CONTAINS', role: null },
      { from: ids.model, to: ids.v2, relation: 'CONTAINS', role: null },
      { from: ids.ds, to: ids.raw, relation: 'CONTAINS', role: null },
      { from: ids.ds, to: ids.clean, relation: 'CONTAINS', role: null },
    ]));
    expect(g.edges).toHaveLength(10);
  });

  it('walks downstream, both ways, and stops at maxDepth with truncated = true', async () => {
    const down = await lineage(ids.raw, 'DOWNSTREAM');
    expect(Object.fromEntries(named(down))).toEqual({ raw: 0, clean: 1, run: 2, v1: 2, v2: 3 });
    const both = await lineage(ids.run, 'BOTH');
    expect(Object.fromEntries(named(both))).toEqual({ run: 0, clean: 1, exp: 1, raw: 2, ds: 2, v1: 1, v2: 2 });
    const cut = await lineage(ids.raw, 'DOWNSTREAM', 2);
    expect(Object.fromEntries(named(cut))).toEqual({ raw: 0, clean: 1, run: 2, v1: 2 });
    expect(cut.truncated).toBe(true);
    const exact = await lineage(ids.raw, 'DOWNSTREAM', 3);
    expect(exact.truncated).toBe(false);
    const zero = await lineage(ids.raw, 'DOWNSTREAM', 0);
    expect([named(zero), zero.truncated]).toEqual([[['raw', 0]], true]);
    const leaf = await lineage(ids.v2, 'DOWNSTREAM');
    expect([named(leaf), leaf.truncated]).toEqual([[['v2', 0]], false]);
  });

  it('first cuts the node list (root included) and sets truncated', async () => {
    const g = await lineage(ids.raw, 'DOWNSTREAM', 10, 3);
    expect(named(g)).toHaveLength(3);
    expect(g.nodes[0].depth).toBe(0);
    expect(g.truncated).toBe(true);
  });

  it('one-hop upstream/downstream fields nest in any shape', async () => {
    const data = await t.ok(`query($id: ID!) { modelVersion(id: $id) {
      upstream { __typename ... on Run { id upstream { __typename ... on DatasetVersion { id } ... on Experiment { id } } } ... on DatasetVersion { id } ... on Model { id } }
      downstream { __typename ... on ModelVersion { id } } } }`, { id: ids.v1 });
    const up = data.modelVersion.upstream;
    expect(up.map((n: { id: string }) => n.id).sort()).toStrictEqual([ids.run, ids.clean, ids.model].sort());
    const run = up.find((n: { __typename: string }) => n.__typename === 'Run');
    expect(run.upstream.map((n: { id: string }) => n.id).sort()).toStrictEqual([ids.exp, ids.clean].sort());
    expect(data.modelVersion.downstream).toEqual([{ __typename: 'ModelVersion', id: ids.v2 }]);
  });

  it('rejects bad limits and unknown roots', async () => {
    expect((await t.fails(LINEAGE, { id: ids.v1, maxDepth: 1001 })).field).toBe('maxDepth');
    expect((await t.fails(LINEAGE, { id: ids.v1, maxDepth: -1 })).code).toBe('BAD_USER_INPUT');
    expect((await t.fails(LINEAGE, { id: ids.v1, first: 5001 })).field).toBe('first');
    expect((await t.fails(LINEAGE, { id: ids.v1, first: 0 })).field).toBe('first');
    const unknown = await t.fails(LINEAGE, { id: 'mv_01jzzzzzzzzzzzzzzzzzzzzzzz' });
    expect([unknown.code, unknown.field]).toEqual(['NOT_FOUND', 'id']);
    expect((await t.fails(LINEAGE, { id: 'not-an-id' })).code).toBe('NOT_FOUND');
  });
});
