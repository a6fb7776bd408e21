import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/** One-hop upstream/downstream: bounded by `first` (default 100, at most 1,000), one statement per level. */

describe('one-hop lineage fields', () => {
  let t: TestApp;
  const models: { id: string; versions: string[] }[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    for (let i = 0; i < 8; i++) {
      const m = await s.model();
      const versions: string[] = [];
      for (let j = 0; j < 3; j++) versions.push((await s.version(m.id, j ? { parentVersionId: versions[j - 1] } : {})).id);
      models.push({ id: m.id, versions });
    }
  });
  afterAll(() => t.stop());

  const NESTED = `query($n: Int!) { models(first: $n, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { id
    downstream(first: 2) { ... on ModelVersion { id downstream { ... on ModelVersion { id } } upstream { __typename ... on ModelVersion { id } ... on Model { id } } } } } } }`;

  it('answers per parent, in link order, cut at first', async () => {
    const data = await t.ok(NESTED, { n: 8 });
    data.models.nodes.forEach((m: { id: string; downstream: { id: string; downstream: { id: string }[]; upstream: { id: string }[] }[] }, i: number) => {
      const [v1, v2, v3] = models[i].versions;
      expect(m.id).toBe(models[i].id);
      expect(m.downstream.map((v) => v.id)).toEqual([v1, v2]);
      expect(m.downstream[0].downstream).toEqual([{ id: v2 }]);
      expect(m.downstream[1].downstream).toEqual([{ id: v3 }]);
      expect(m.downstream[1].upstream.map((n) => n.id)).toEqual([models[i].id, v1]);
    });
  });

  it('costs the same number of statements for 2 parents as for 8 (one per level and node type)', async () => {
    const two = await t.statements(NESTED, { n: 2 });
    const eight = await t.statements(NESTED, { n: 8 });
    expect(two.result.errors).toBeUndefined();
    expect(eight.result.errors).toBeUndefined();
    expect(eight.statements.length).toBe(two.statements.length);
    // models page; level 1: links, versions; level 2: links down, links up, then the versions and models they name.
    expect(eight.statements.length).toBe(7);
  });

  it('first: 0..1000, default 100; beyond is BAD_USER_INPUT naming first', async () => {
    const q = 'query($id: ID!, $f: Int) { model(id: $id) { downstream(first: $f) { __typename } } }';
    const id = models[0].id;
    expect((await t.ok(q, { id, f: 0 })).model.downstream).toEqual([]);
    expect((await t.ok(q, { id, f: 1000 })).model.downstream).toHaveLength(3);
    expect((await t.ok(q, { id, f: null })).model.downstream).toHaveLength(3);
    expect(await t.fails(q, { id, f: 1001 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await t.fails(q, { id, f: -1 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const up = 'query($id: ID!) { modelVersion(id: $id) { upstream(first: 5000) { __typename } } }';
    expect(await t.fails(up, { id: models[0].versions[0] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
