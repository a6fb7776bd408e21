import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/** SERVED edges are serving intervals: lineage and ModelVersion.deployments tell the same story, now and then. */

const DEPLOY = 'mutation($d: ID!, $t: [TrafficInput!]!) { deploy(deploymentId: $d, traffic: $t) { revision } }';
const ROLLBACK = 'mutation($d: ID!, $to: Int) { rollbackDeployment(deploymentId: $d, toRevision: $to) { revision } }';
const LINEAGE = `query($id: ID!, $asOf: DateTime, $includeEnded: Boolean) {
  lineage(id: $id, direction: UPSTREAM, maxDepth: 1, asOf: $asOf, includeEnded: $includeEnded) {
    nodes { depth node { __typename ... on ModelVersion { id } ... on Deployment { id } } }
    edges { from to relation role createdAt until }
    truncated
  }
}`;
const WHERE = `query($a: ID!, $b: ID!, $d: ID!) {
  a: modelVersion(id: $a) { deployments { id } downstream { ... on Deployment { id } } }
  b: modelVersion(id: $b) { deployments { id } downstream { ... on Deployment { id } } }
  d: deployment(id: $d) { upstream { ... on ModelVersion { id } } traffic { version { id } } }
}`;

interface Edge { from: string; to: string; relation: string; role: string | null; createdAt: string; until: string | null }
interface Graph { nodes: { depth: number; node: { id: string } }[]; edges: Edge[]; truncated: boolean }

const pause = () => new Promise((r) => setTimeout(r, 5));
const minus = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();

describe('served intervals: lineage agrees with ModelVersion.deployments', () => {
  let t: TestApp;
  let v1: string;
  let v2: string;
  let d: string;
  const at: Record<number, string> = {};

  const lineage = async (variables: { asOf?: string; includeEnded?: boolean } = {}): Promise<Graph> =>
    (await t.ok(LINEAGE, { id: d, ...variables })).lineage;
  const served = (g: Graph) => g.nodes.filter((n) => n.depth === 1).map((n) => n.node.id).sort();
  const where = async () => {
    const r = await t.ok(WHERE, { a: v1, b: v2, d });
    const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();
    return {
      v1: ids(r.a.deployments), v2: ids(r.b.deployments), v1Down: ids(r.a.downstream), v2Down: ids(r.b.downstream),
      upstream: ids(r.d.upstream), traffic: r.d.traffic.map((x: { version: { id: string } }) => x.version.id).sort(),
    };
  };
  const revisionTimes = async () => {
    const r = await t.ok('query($d: ID!) { deployment(id: $d) { revisions(first: 50) { nodes { revision createdAt } } } }', { d });
    for (const n of r.deployment.revisions.nodes) at[n.revision] = n.createdAt;
  };

  beforeAll(async () => {
    t = await TestApp.start();
    const m = await seed(t).model();
    v1 = (await seed(t).version(m.id)).id;
    v2 = (await seed(t).version(m.id)).id;
    d = (await seed(t).deployment(m.id)).id;
    await t.ok(DEPLOY, { d, t: [{ versionId: v1, percent: 100 }] });
    await pause();
    await t.ok(DEPLOY, { d, t: [{ versionId: v1, percent: 90 }, { versionId: v2, percent: 10 }] });
    await pause();
    await t.ok(DEPLOY, { d, t: [{ versionId: v1, percent: 100 }] });
    await revisionTimes();
  });
  afterAll(() => t.stop());

  it('after the canary ended: only v1 serves, in lineage, one-hop fields and deployments', async () => {
    const now = await lineage();
    expect(served(now)).toEqual([v1]);
    expect(now.edges).toEqual([{ from: v1, to: d, relation: 'SERVED', role: null, createdAt: at[1], until: null }]);
    expect(now.truncated).toBe(true); // v1's model is two hops up
    expect(await where()).toEqual({ v1: [d], v2: [], v1Down: [d], v2Down: [], upstream: [v1], traffic: [v1] });
  });

  it('includeEnded: one edge per interval, the canary\'s until = the revision that took it out', async () => {
    const all = await lineage({ includeEnded: true });
    expect(served(all)).toEqual([v1, v2].sort());
    expect(all.edges).toEqual([
      { from: v1, to: d, relation: 'SERVED', role: null, createdAt: at[1], until: null },
      { from: v2, to: d, relation: 'SERVED', role: null, createdAt: at[2], until: at[3] },
    ]);
  });

  it('asOf the canary time shows both serving (until null as known then), as revisionAt does; asOf is inclusive', async () => {
    const then = await lineage({ asOf: at[2] });
    expect(served(then)).toEqual([v1, v2].sort());
    expect(then.edges.map((e) => [e.from, e.createdAt, e.until])).toEqual([[v1, at[1], null], [v2, at[2], null]]);
    const traffic = async (asOf: string) => (await t.ok('query($d: ID!, $a: DateTime!) { deployment(id: $d) { revisionAt(asOf: $a) { traffic { version { id } } } } }',
      { d, a: asOf })).deployment.revisionAt?.traffic.map((x: { version: { id: string } }) => x.version.id).sort() ?? [];
    expect(await traffic(at[2])).toEqual(served(then));
    // The revision that ended the canary counts at its own instant, not one millisecond later.
    expect(served(await lineage({ asOf: minus(at[3], 1) }))).toEqual([v1, v2].sort());
    expect(served(await lineage({ asOf: at[3] }))).toEqual([v1]);
    expect(await traffic(at[3])).toEqual([v1]);
    // Before the first deploy nothing served; an edge created at exactly asOf exists.
    const before = await lineage({ asOf: minus(at[1], 1), includeEnded: true });
    expect([before.nodes.length, before.edges, before.truncated]).toEqual([1, [], false]);
    expect(served(await lineage({ asOf: at[1] }))).toEqual([v1]);
    // includeEnded as of the canary: the interval had not ended yet, so no until.
    expect((await lineage({ asOf: at[2], includeEnded: true })).edges.map((e) => e.until)).toEqual([null, null]);
  });

  it('a rollback that brings v2 back opens a second interval; retiring closes them all', async () => {
    await pause();
    await t.ok(ROLLBACK, { d, to: 2 });
    await revisionTimes();
    expect(served(await lineage())).toEqual([v1, v2].sort());
    expect(await where()).toEqual({ v1: [d], v2: [d], v1Down: [d], v2Down: [d], upstream: [v1, v2].sort(), traffic: [v1, v2].sort() });
    const intervals = (await lineage({ includeEnded: true })).edges.filter((e) => e.from === v2);
    expect(intervals.map((e) => [e.createdAt, e.until])).toEqual([[at[2], at[3]], [at[4], null]]);
    // The first interval is current neither now nor at the rollback's instant.
    expect((await lineage({ asOf: at[4] })).edges.filter((e) => e.from === v2).map((e) => e.createdAt)).toEqual([at[4]]);

    await pause();
    await t.ok('mutation($d: ID!) { retireDeployment(deploymentId: $d) { revision } }', { d });
    await revisionTimes();
    const retired = await lineage();
    expect([served(retired), retired.edges, retired.truncated]).toEqual([[], [], false]);
    expect(await where()).toEqual({ v1: [], v2: [], v1Down: [], v2Down: [], upstream: [], traffic: [] });
    const history = (await lineage({ includeEnded: true })).edges.map((e) => [e.from, e.createdAt, e.until]);
    expect(history).toEqual([[v1, at[1], at[5]], [v2, at[2], at[3]], [v2, at[4], at[5]]]);
  });

  it('maxDepth 0 reports truncated only when a current (or, with includeEnded, any) edge exists', async () => {
    const q = 'query($id: ID!, $e: Boolean) { lineage(id: $id, direction: UPSTREAM, maxDepth: 0, includeEnded: $e) { truncated } }';
    expect((await t.ok(q, { id: d })).lineage.truncated).toBe(false);
    expect((await t.ok(q, { id: d, e: true })).lineage.truncated).toBe(true);
  });
});
