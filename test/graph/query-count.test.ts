import { TestApp } from '../support/app';
import { seed, unique } from '../support/seed';

/** Three levels of lists (models → versions → datasets/runs/inputs) plus single relations at each level. */
const NESTED = `query($prefix: String!) {
  models(first: 20, filter: { nameContains: $prefix }) {
    totalCount
    nodes {
      name tags { key value } latestVersion { version } deployments { name }
      versions(first: 10) {
        totalCount
        nodes {
          version metrics { key value } tags { key }
          parent { version } children(first: 2) { totalCount nodes { version } }
          run { name experiment { name } inputs { uri dataset { name } } metrics { key value }
            metricHistory(key: "loss", last: 2) { totalCount nodes { value } } producedVersions(first: 2) { totalCount nodes { version } } }
          datasets { role datasetVersion { uri dataset { name } derivedFrom { version derivatives(first: 2) { totalCount nodes { version } } }
            usedBy(role: TRAINING, first: 2) { totalCount nodes { version } } consumedBy(last: 2) { totalCount nodes { name } } } }
        }
      }
    }
  }
}`;

interface NestedData {
  models: { nodes: { versions: { nodes: { run: { metrics: unknown[]; metricHistory: unknown; producedVersions: { totalCount: number } } }[] } }[] };
}

async function buildGraph(t: TestApp, prefix: string, models: number, versionsPerModel: number): Promise<void> {
  const s = seed(t);
  const exp = await s.experiment(unique(prefix));
  const ds = await s.dataset(unique(prefix));
  const base = await s.datasetVersion(ds.id);
  for (let m = 0; m < models; m++) {
    const model = await s.model(`${prefix}-model-${m}`);
    await s.deployment(model.id, `${prefix}-dep-${m}`);
    let parent: string | undefined;
    for (let v = 0; v < versionsPerModel; v++) {
      const dsv = await s.datasetVersion(ds.id, { derivedFromIds: [base.id] });
      const run = await s.run(exp.id, { name: `r${v}`, inputDatasetVersionIds: [dsv.id] });
      await t.ok('mutation($r: ID!, $m: [MetricInput!]!) { logRunMetrics(runId: $r, metrics: $m) { id } }',
        { r: run.id, m: [1, 2, 3, 4].map((step) => ({ key: 'loss', value: 1 / step, step })) });
      const created = await s.version(model.id, {
        runId: run.id, parentVersionId: parent, datasets: [{ datasetVersionId: dsv.id, role: 'TRAINING' }],
        metrics: [{ key: 'auc', value: 0.5 + v / 100 }], tags: [{ key: 'v', value: String(v) }],
      });
      parent = created.id;
    }
  }
}

describe('no N+1: statements per request do not grow with the rows returned', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await buildGraph(t, 'small', 2, 2);
    await buildGraph(t, 'large', 12, 8);
  });
  afterAll(() => t.stop());

  it('the same nested query costs the same number of statements for 2×2 and 12×8 rows', async () => {
    const small = await t.statements(NESTED, { prefix: 'small' });
    const large = await t.statements(NESTED, { prefix: 'large' });
    expect(small.result.errors).toBeUndefined();
    expect(large.result.errors).toBeUndefined();
    const data = large.result.data as { models: { totalCount: number; nodes: { versions: { nodes: unknown[] } }[] } };
    expect(data.models.totalCount).toBe(12);
    expect(data.models.nodes.every((m) => m.versions.nodes.length === 8)).toBe(true);
    expect(large.statements.length).toBe(small.statements.length);
    // One statement per relation per level (plus one count per connection): a fixed, small number.
    expect(large.statements.length).toBeLessThanOrEqual(32);
    const run = (large.result.data as unknown as NestedData).models.nodes[0].versions.nodes[0].run;
    expect(run.metricHistory).toEqual({ totalCount: 4, nodes: [{ value: 1 / 3 }, { value: 1 / 4 }] });
    expect(run.metrics).toEqual([{ key: 'loss', value: 1 / 4 }]);
    expect(run.producedVersions.totalCount).toBe(1);
    process.stdout.write(`nested query: ${large.statements.length} statements for 12 models × 8 versions (${t.engine})\n`);
  });

  it('node lookups of many ids batch into one statement per type', async () => {
    const ids = (await t.ok('{ models(first: 20) { nodes { id versions(first: 5) { nodes { id } } } } }')).models.nodes
      .flatMap((m: { id: string; versions: { nodes: { id: string }[] } }) => [m.id, ...m.versions.nodes.map((v) => v.id)]);
    const { result, statements } = await t.statements('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect((result.data as { nodes: unknown[] }).nodes).toHaveLength(ids.length);
    expect(statements).toHaveLength(2);
  });
});
