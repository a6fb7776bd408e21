import { TestApp } from '../support/app';
import { concurrently, expectEngineOverlap } from '../support/concurrency';
import { seed } from '../support/seed';

const DEPLOY = `mutation($d: ID!, $t: [TrafficInput!]!, $e: Int) { deploy(deploymentId: $d, traffic: $t, expectedRevision: $e, comment: "canary") {
  revision status traffic { version { id } percent } } }`;
const ROLLBACK = 'mutation($d: ID!, $to: Int, $e: Int) { rollbackDeployment(deploymentId: $d, toRevision: $to, expectedRevision: $e) { revision traffic { version { id } percent } } }';

describe('deployments: revisions, canaries, rollback, time travel', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  const setup = () => seed(t).deploymentFixture();

  it('deploys, splits 90/10, rolls back by copying an earlier revision, and answers for past instants', async () => {
    const { v1, v2, d } = await setup();
    const fresh = await t.ok('query($d: ID!) { deployment(id: $d) { revision traffic { percent } revisions { totalCount } } }', { d: d.id });
    expect(fresh.deployment).toEqual({ revision: 0, traffic: [], revisions: { totalCount: 0 } });

    const r1 = (await t.ok(DEPLOY, { d: d.id, t: [{ versionId: v1.id, percent: 100 }], e: 0 })).deploy;
    expect(r1).toEqual({ revision: 1, status: 'ACTIVE', traffic: [{ version: { id: v1.id }, percent: 100 }] });
    await new Promise((r) => setTimeout(r, 5));
    const r2 = (await t.ok(DEPLOY, { d: d.id, t: [{ versionId: v2.id, percent: 10 }, { versionId: v1.id, percent: 90 }], e: 1 })).deploy;
    expect(r2.traffic).toEqual([{ version: { id: v1.id }, percent: 90 }, { version: { id: v2.id }, percent: 10 }]);

    const stale = await t.fails(DEPLOY, { d: d.id, t: [{ versionId: v2.id, percent: 100 }], e: 1 });
    expect(stale.code).toBe('PRECONDITION_FAILED');

    const where = await t.ok('query($a: ID!, $b: ID!) { a: modelVersion(id: $a) { deployments { id } } b: modelVersion(id: $b) { deployments { id } } }', { a: v1.id, b: v2.id });
    expect(where).toEqual({ a: { deployments: [{ id: d.id }] }, b: { deployments: [{ id: d.id }] } });

    const back = (await t.ok(ROLLBACK, { d: d.id, e: 2 })).rollbackDeployment;
    expect(back).toEqual({ revision: 3, traffic: [{ version: { id: v1.id }, percent: 100 }] });
    expect((await t.ok('query($b: ID!) { modelVersion(id: $b) { deployments { id } } }', { b: v2.id })).modelVersion.deployments).toEqual([]);
    const again = (await t.ok(ROLLBACK, { d: d.id, to: 2 })).rollbackDeployment;
    expect(again.revision).toBe(4);
    expect(again.traffic.map((x: { percent: number }) => x.percent)).toEqual([90, 10]);

    const revisions = await t.ok('query($d: ID!) { deployment(id: $d) { revisions(first: 10) { totalCount nodes { revision kind rolledBackTo createdAt comment actor } } } }', { d: d.id });
    const nodes = revisions.deployment.revisions.nodes;
    expect(nodes.map((n: { revision: number; kind: string; rolledBackTo: number | null }) => [n.revision, n.kind, n.rolledBackTo]))
      .toEqual([[4, 'ROLLBACK', 2], [3, 'ROLLBACK', 1], [2, 'DEPLOY', null], [1, 'DEPLOY', null]]);
    const at1 = nodes[3].createdAt;
    const between = new Date(Date.parse(nodes[2].createdAt) - 1).toISOString();
    const past = await t.ok(`query($d: ID!, $before: DateTime!, $at1: DateTime!, $between: DateTime!) { deployment(id: $d) {
      before: revisionAt(asOf: $before) { revision }
      first: revisionAt(asOf: $at1) { revision traffic { percent } }
      between: revisionAt(asOf: $between) { revision } } }`,
    { d: d.id, before: new Date(Date.parse(at1) - 1).toISOString(), at1, between });
    expect(past.deployment).toEqual({ before: null, first: { revision: 1, traffic: [{ percent: 100 }] }, between: { revision: 1 } });

    const lineage = await t.ok('query($d: ID!) { lineage(id: $d, direction: UPSTREAM, maxDepth: 1) { edges { from relation } } }', { d: d.id });
    expect(lineage.lineage.edges.map((e: { from: string; relation: string }) => [e.from, e.relation]).sort())
      .toEqual([[v1.id, 'SERVED'], [v2.id, 'SERVED']].sort());
  });

  it('validates splits: integers summing to 100, distinct versions of the deployment\'s model', async () => {
    const { v1, v2, d } = await setup();
    const other = await seed(t).version((await seed(t).model()).id);
    const cases: [unknown[], string, string][] = [
      [[], 'BAD_USER_INPUT', 'traffic'],
      [[{ versionId: v1.id, percent: 50 }], 'BAD_USER_INPUT', 'traffic'],
      [[{ versionId: v1.id, percent: 60 }, { versionId: v2.id, percent: 50 }], 'BAD_USER_INPUT', 'traffic'],
      [[{ versionId: v1.id, percent: 50 }, { versionId: v1.id, percent: 50 }], 'BAD_USER_INPUT', 'traffic.1.versionId'],
      [[{ versionId: v1.id, percent: 0 }, { versionId: v2.id, percent: 100 }], 'BAD_USER_INPUT', 'traffic.0.percent'],
      [[{ versionId: v1.id, percent: 101 }], 'BAD_USER_INPUT', 'traffic.0.percent'],
      [[{ versionId: other.id, percent: 100 }], 'BAD_USER_INPUT', 'traffic.0.versionId'],
      [[{ versionId: 'mv_01jzzzzzzzzzzzzzzzzzzzzzzz', percent: 100 }], 'NOT_FOUND', 'traffic.0.versionId'],
    ];
    for (const [traffic, code, field] of cases) {
      expect(await t.fails(DEPLOY, { d: d.id, t: traffic })).toMatchObject({ code, field });
    }
    expect((await t.ok('query($d: ID!) { deployment(id: $d) { revision } }', { d: d.id })).deployment.revision).toBe(0);
    expect((await t.fails(ROLLBACK, { d: d.id })).code).toBe('PRECONDITION_FAILED');
    expect((await t.fails(DEPLOY, { d: 'dep_01jzzzzzzzzzzzzzzzzzzzzzzz', t: [{ versionId: v1.id, percent: 100 }] })).code).toBe('NOT_FOUND');
    await t.ok(DEPLOY, { d: d.id, t: [{ versionId: v1.id, percent: 100 }] });
    expect(await t.fails(ROLLBACK, { d: d.id, to: 1 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toRevision' });
  });

  it('retires: traffic stops, later deploys are refused, the status filter moves it to RETIRED', async () => {
    const { m, v1, d } = await setup();
    await t.ok(DEPLOY, { d: d.id, t: [{ versionId: v1.id, percent: 100 }] });
    const retired = await t.ok('mutation($d: ID!) { retireDeployment(deploymentId: $d) { status revision traffic { percent } } }', { d: d.id });
    expect(retired.retireDeployment).toEqual({ status: 'RETIRED', revision: 2, traffic: [] });
    expect((await t.fails(DEPLOY, { d: d.id, t: [{ versionId: v1.id, percent: 100 }] })).code).toBe('PRECONDITION_FAILED');
    const byStatus = await t.ok(`query($m: ID!) { retired: deployments(filter: { modelId: $m, status: RETIRED }) { nodes { id } }
      active: deployments(filter: { modelId: $m, status: ACTIVE }) { nodes { id } } }`, { m: m.id });
    expect(byStatus).toEqual({ retired: { nodes: [{ id: d.id }] }, active: { nodes: [] } });
  });

  it('concurrent deploys with the same expectedRevision: exactly one wins', async () => {
    const { v1, v2, d } = await setup();
    // SQLite serializes them (the first applies, the rest see revision 1); on MySQL/MariaDB they overlap and
    // the deployment's row lock decides.
    const { results, maxOpen } = await concurrently(t, 10, (i) =>
      t.gql(DEPLOY, { d: d.id, t: [{ versionId: i % 2 ? v1.id : v2.id, percent: 100 }], e: 0 }));
    expectEngineOverlap(t, maxOpen);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => r.errors![0].extensions?.code)).toEqual(Array(9).fill('PRECONDITION_FAILED'));
    expect((await t.ok('query($d: ID!) { deployment(id: $d) { revision revisions { totalCount } } }', { d: d.id })).deployment)
      .toEqual({ revision: 1, revisions: { totalCount: 1 } });
  });
});
