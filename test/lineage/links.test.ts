import { DatasetVersion, DatasetVersionSource } from '../../src/dataset/dataset.entity';
import { DeploymentRevision, TrafficRow } from '../../src/deployment/deployment-revision.entity';
import { LineageEdgeRow, LineageRelation } from '../../src/lineage/lineage-edge.entity';
import { ModelVersion, ModelVersionDataset } from '../../src/model-version/model-version.entity';
import { Run, RunInput } from '../../src/run/run.entity';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/**
 * lineage_edge holds exactly the links the typed tables hold (every link has its edge, no edge lacks its
 * link), with the same times, after a seeded random workload through the API.
 */

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function random(seedValue: number) {
  let a = seedValue >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)];
  const subset = <T>(xs: T[], max: number): T[] => {
    const copy = [...xs];
    const out: T[] = [];
    for (let n = int(Math.min(max, copy.length) + 1); n > 0; n--) out.push(...copy.splice(int(copy.length), 1));
    return out;
  };
  return { next, int, pick, subset };
}

type Workload = Awaited<ReturnType<typeof runWorkload>>;

async function runWorkload(t: TestApp, seedValue: number, steps: number) {
  const rnd = random(seedValue);
  const s = seed(t);
  const experiments = [(await s.experiment()).id];
  const datasets = [(await s.dataset()).id];
  const models = [(await s.model()).id];
  const runs: string[] = [];
  const dsvs: string[] = [];
  const versions: { id: string; modelId: string }[] = [];
  const deployments: { id: string; modelId: string; revision: number }[] = [];
  const roles = ['TRAINING', 'VALIDATION', 'TEST', 'EVALUATION', 'OTHER'];
  const counts: Record<string, number> = {};
  const ops: Record<string, () => Promise<unknown>> = {
    experiment: async () => experiments.push((await s.experiment()).id),
    run: async () => runs.push((await s.run(rnd.pick(experiments), { inputDatasetVersionIds: rnd.subset(dsvs, 3) })).id),
    model: async () => models.push((await s.model()).id),
    version: async () => {
      const modelId = rnd.pick(models);
      const extra = {
        runId: runs.length && rnd.next() < 0.6 ? rnd.pick(runs) : null,
        parentVersionId: versions.length && rnd.next() < 0.5 ? rnd.pick(versions).id : null,
        datasets: rnd.subset(dsvs, 3).map((datasetVersionId) => ({ datasetVersionId, role: rnd.pick(roles) })),
      };
      versions.push({ id: (await s.version(modelId, extra)).id, modelId });
    },
    dataset: async () => datasets.push((await s.dataset()).id),
    datasetVersion: async () => dsvs.push((await s.datasetVersion(rnd.pick(datasets), { derivedFromIds: rnd.subset(dsvs, 3) })).id),
    deployment: async () => {
      const modelId = rnd.pick(models);
      deployments.push({ id: (await s.deployment(modelId)).id, modelId, revision: 0 });
    },
    deploy: async () => {
      const deployment = rnd.pick(deployments);
      const candidates = versions.filter((v) => v.modelId === deployment?.modelId);
      if (!candidates.length) return;
      const chosen = rnd.subset(candidates, 3);
      if (!chosen.length) chosen.push(rnd.pick(candidates));
      const percents = chosen.map((_, i) => (i === 0 ? 100 - 10 * (chosen.length - 1) : 10));
      await t.ok('mutation($d: ID!, $t: [TrafficInput!]!) { deploy(deploymentId: $d, traffic: $t) { revision } }',
        { d: deployment.id, t: chosen.map((v, i) => ({ versionId: v.id, percent: percents[i] })) });
      deployment.revision++;
    },
    rollback: async () => {
      const deployment = rnd.pick(deployments.filter((d) => d.revision >= 2));
      if (!deployment) return;
      const toRevision = rnd.next() < 0.5 ? null : 1 + rnd.int(deployment.revision - 1);
      await t.ok('mutation($d: ID!, $to: Int) { rollbackDeployment(deploymentId: $d, toRevision: $to) { revision } }', { d: deployment.id, to: toRevision });
      deployment.revision++;
    },
  };
  const weights: [string, number][] = [
    ['experiment', 1], ['run', 4], ['model', 1], ['version', 5], ['dataset', 1], ['datasetVersion', 4], ['deployment', 1], ['deploy', 4], ['rollback', 2],
  ];
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  for (let i = 0; i < steps; i++) {
    let r = rnd.next() * total;
    const [op] = weights.find(([, w]) => (r -= w) < 0) ?? weights[0];
    await ops[op]();
    counts[op] = (counts[op] ?? 0) + 1;
  }
  return { counts, deployments };
}

const ms = (d: Date | null) => (d ? new Date(d).getTime() : null);
const edgeKey = (e: { fromId: string; toId: string; relation: string; sinceRevision: number; role: string | null; createdAt: Date; endedAt: Date | null }) =>
  [e.fromId, e.toId, e.relation, e.sinceRevision, e.role, ms(e.createdAt), ms(e.endedAt)].join(' | ');

/** Every edge the typed link tables imply, SERVED intervals replayed from the deployments' revisions. */
async function expectedEdges(t: TestApp): Promise<string[]> {
  const m = t.app.db.manager;
  const [runs, inputs, versions, usages, dsvs, sources, revisions, traffic] = await Promise.all([
    m.find(Run), m.find(RunInput), m.find(ModelVersion), m.find(ModelVersionDataset), m.find(DatasetVersion),
    m.find(DatasetVersionSource), m.find(DeploymentRevision, { order: { deploymentId: 'ASC', revision: 'ASC' } }), m.find(TrafficRow),
  ]);
  const created = new Map<string, Date>([...runs, ...versions, ...dsvs].map((e) => [e.id, e.createdAt]));
  const link = (fromId: string, toId: string, relation: LineageRelation, role: string | null = null) =>
    edgeKey({ fromId, toId, relation, role, sinceRevision: 0, createdAt: created.get(toId)!, endedAt: null });
  const edges = [
    ...runs.map((r) => link(r.experimentId, r.id, LineageRelation.CONTAINS)),
    ...inputs.map((i) => link(i.datasetVersionId, i.runId, LineageRelation.CONSUMED)),
    ...versions.map((v) => link(v.modelId, v.id, LineageRelation.CONTAINS)),
    ...versions.filter((v) => v.runId).map((v) => link(v.runId!, v.id, LineageRelation.PRODUCED)),
    ...versions.filter((v) => v.parentId).map((v) => link(v.parentId!, v.id, LineageRelation.PARENT_OF)),
    ...usages.map((u) => link(u.datasetVersionId, u.modelVersionId, LineageRelation.TRAINED_ON, u.role)),
    ...dsvs.map((d) => link(d.datasetId, d.id, LineageRelation.CONTAINS)),
    ...sources.map((s) => link(s.sourceId, s.datasetVersionId, LineageRelation.DERIVED)),
  ];
  const open = new Map<string, { since: number; at: Date }>();
  let deploymentId = '';
  const close = (versionId: string, at: Date | null) => {
    const interval = open.get(versionId)!;
    edges.push(edgeKey({ fromId: versionId, toId: deploymentId, relation: LineageRelation.SERVED, role: null, sinceRevision: interval.since, createdAt: interval.at, endedAt: at }));
    open.delete(versionId);
  };
  for (const revision of [...revisions, null]) {
    if (!revision || revision.deploymentId !== deploymentId) {
      for (const versionId of [...open.keys()]) close(versionId, null);
      if (!revision) break;
      deploymentId = revision.deploymentId;
    }
    const serving = traffic.filter((r) => r.deploymentId === deploymentId && r.revision === revision.revision).map((r) => r.versionId);
    for (const versionId of [...open.keys()]) if (!serving.includes(versionId)) close(versionId, revision.createdAt);
    for (const versionId of serving) if (!open.has(versionId)) open.set(versionId, { since: revision.revision, at: revision.createdAt });
  }
  return edges.sort();
}

describe('lineage links: one writer keeps lineage_edge equal to the link tables', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it.each([20261130, 7, 424242])('after a random workload (seed %i)', async (seedValue) => {
    const workload: Workload = await runWorkload(t, seedValue, 120);
    const actual = (await t.app.db.manager.find(LineageEdgeRow)).map(edgeKey).sort();
    const expected = await expectedEdges(t);
    expect(actual.length).toBe(expected.length);
    expect(actual).toEqual(expected);
    // The workload reached every kind of link, including ended serving intervals.
    const relations = new Set(actual.map((e) => e.split(' | ')[2]));
    expect([...relations].sort()).toEqual(Object.values(LineageRelation).sort());
    expect(actual.some((e) => e.includes(LineageRelation.SERVED) && !e.endsWith(' | '))).toBe(true);
    expect(workload.counts.rollback).toBeGreaterThan(0);
  });
});
