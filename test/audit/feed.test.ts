import { TestApp } from '../support/app';
import { seed, unique } from '../support/seed';

describe('audit feed: auditEvents paging, filters, and every node type\'s own events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('pages newest first with cursors both ways, and filters by entity, actor, action and time', async () => {
    const m = await seed(t).model(unique('feed'));
    await new Promise((r) => setTimeout(r, 5));
    const start = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 5; i++) {
      await t.ok('mutation($id: ID!, $d: String!) { updateDescription(id: $id, description: $d) { id } }', { id: m.id, d: `d${i}` }, { 'x-actor': i % 2 ? 'odd' : 'even' });
    }
    const P = 'query($f: AuditEventFilter, $first: Int, $after: String, $last: Int, $before: String) { auditEvents(filter: $f, first: $first, after: $after, last: $last, before: $before) { totalCount nodes { after } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }';
    const descriptions = (c: { nodes: { after: { description: string } }[] }) => c.nodes.map((n) => n.after.description);
    const f = { entityId: m.id, action: 'DESCRIPTION_UPDATED' };
    const page1 = (await t.ok(P, { f, first: 2 })).auditEvents;
    expect(descriptions(page1)).toEqual(['d4', 'd3']);
    expect(page1.totalCount).toBe(5);
    const page2 = (await t.ok(P, { f, first: 2, after: page1.pageInfo.endCursor })).auditEvents;
    expect(descriptions(page2)).toEqual(['d2', 'd1']);
    const back = (await t.ok(P, { f, last: 2, before: page2.pageInfo.startCursor })).auditEvents;
    expect(descriptions(back)).toEqual(['d4', 'd3']);
    expect(descriptions((await t.ok(P, { f: { ...f, actor: 'local:odd' } })).auditEvents)).toEqual(['d3', 'd1']);
    expect((await t.ok(P, { f: { entityId: m.id, since: start } })).auditEvents.totalCount).toBe(5);
    expect((await t.ok(P, { f: { entityId: m.id, until: start } })).auditEvents.totalCount).toBe(1); // MODEL_REGISTERED
    expect((await t.fails(P, { f, first: 2, after: 'nope' })).field).toBe('after');
  });

  it('each node type lists its own events, one windowed statement for many parents', async () => {
    const names = Array.from({ length: 6 }, (_, i) => unique(`batch-${i}`));
    for (const name of names) {
      const m = await seed(t).model(name);
      await t.ok('mutation($id: ID!) { setTags(id: $id, tags: [{ key: "k", value: "v" }]) { id } }', { id: m.id });
    }
    const Q = `query($p: String!, $n: Int!) { models(first: $n, filter: { nameContains: $p }) {
      nodes { name auditEvents(first: 1) { totalCount nodes { action actor } } } } }`;
    const two = await t.statements(Q, { p: 'batch-', n: 2 });
    const six = await t.statements(Q, { p: 'batch-', n: 6 });
    expect(two.statements.length).toBe(six.statements.length);
    const nodes = (six.result.data as { models: { nodes: { auditEvents: unknown }[] } }).models.nodes;
    expect(nodes).toHaveLength(6);
    for (const node of nodes) expect(node.auditEvents).toEqual({ totalCount: 2, nodes: [{ action: 'TAGS_SET', actor: 'local' }] });
    // models page, its count is not asked; auditEvents page (one window), auditEvents counts (one GROUP BY).
    expect(six.statements).toHaveLength(3);

    const exp = await seed(t).experiment();
    const run = await seed(t).run(exp.id);
    const ds = await seed(t).dataset();
    const dsv = await seed(t).datasetVersion(ds.id);
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    const dep = await seed(t).deployment(m.id);
    const ids = [exp.id, run.id, ds.id, dsv.id, m.id, v.id, dep.id];
    const all = await t.ok('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Experiment { auditEvents { nodes { action } } } ... on Run { auditEvents { nodes { action } } } ... on Dataset { auditEvents { nodes { action } } } ... on DatasetVersion { auditEvents { nodes { action } } } ... on Model { auditEvents { nodes { action } } } ... on ModelVersion { auditEvents { nodes { action } } } ... on Deployment { auditEvents { nodes { action } } } } }', { ids });
    expect(all.nodes.map((n: { auditEvents: { nodes: { action: string }[] } }) => n.auditEvents.nodes.map((e) => e.action))).toEqual([
      ['EXPERIMENT_CREATED'], ['RUN_STARTED'], ['DATASET_CREATED'], ['DATASET_VERSION_CREATED'], ['MODEL_REGISTERED'], ['MODEL_VERSION_CREATED'], ['DEPLOYMENT_CREATED'],
    ]);
  });
});
