import { TestApp } from '../support/app';
import { concurrently, expectEngineOverlap } from '../support/concurrency';
import { seed, unique } from '../support/seed';
import { pruneDriftSamples } from '../../src/monitoring/retention';
import { loadConfig } from '../../src/config';

const RECORD = `mutation($d: ID!, $m: [MetricInput!]!, $v: ID, $at: DateTime) {
  recordDeploymentMetrics(deploymentId: $d, metrics: $m, versionId: $v, at: $at) { id } }`;
const POLICY = `mutation($i: DriftPolicyInput!) { setDriftPolicy(input: $i) {
  metric baseline maxRelativeDrop higherIsBetter window updatedBy deployment { id } } }`;
const DRIFT = `query($id: ID!) { deployment(id: $id) { driftPolicies { metric } drift { status checks {
  metric version { id } percent baseline baselineSource current window samples relativeChange drifting status } } } }`;

const values = (key: string, list: number[]) => list.map((value) => ({ key, value }));

describe('drift monitoring of deployments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  /** A deployment of a fresh model serving its versions with these percents (versions created with `extra`). */
  async function deployment(percents: number[], extra: Record<string, unknown>[] = [], name = unique('dep')) {
    const s = seed(t);
    const model = await s.model();
    const versions: string[] = [];
    for (let i = 0; i < percents.length; i++) versions.push((await s.version(model.id, extra[i] ?? {})).id);
    const dep = await s.deployment(model.id, name);
    await t.ok('mutation($d: ID!, $t: [TrafficInput!]!) { deploy(deploymentId: $d, traffic: $t) { id } }',
      { d: dep.id, t: versions.map((versionId, i) => ({ versionId, percent: percents[i] })) });
    return { id: dep.id, model: model.id, versions };
  }

  const record = (d: string, m: { key: string; value: number }[], v?: string) => t.ok(RECORD, { d, m, v });
  const drift = async (id: string) => (await t.ok(DRIFT, { id })).deployment.drift;
  const events = async (deploymentId: string, actions: string[]): Promise<{ action: string; after: Record<string, unknown> }[]> => {
    const rows: { action: string; after: string }[] = await t.app.db.manager.query(
      `SELECT action, ${t.app.db.manager.connection.driver.escape('after')} AS after FROM audit_event WHERE entity_id = ? ORDER BY pos`, [deploymentId]);
    return rows.filter((r) => actions.includes(r.action)).map((r) => ({ action: r.action, after: JSON.parse(r.after) as Record<string, unknown> }));
  };

  it('is NO_DATA before any sample, then OK within the threshold, DRIFTING past it with one DRIFT_DETECTED, OK again with one DRIFT_RESOLVED', async () => {
    const dep = await deployment([100]);
    const p = await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'accuracy', baseline: 0.9, maxRelativeDrop: 0.05, window: 3 } });
    expect(p.setDriftPolicy).toEqual({ metric: 'accuracy', baseline: 0.9, maxRelativeDrop: 0.05, higherIsBetter: true, window: 3, updatedBy: 'local', deployment: { id: dep.id } });
    expect(await drift(dep.id)).toEqual({ status: 'NO_DATA', checks: [{
      metric: 'accuracy', version: { id: dep.versions[0] }, percent: 100, baseline: 0.9, baselineSource: 'POLICY', current: null, window: 3,
      samples: 0, relativeChange: null, drifting: false, status: 'NO_DATA' }] });

    await record(dep.id, values('accuracy', [0.9, 0.88]));
    expect((await drift(dep.id)).status).toBe('NO_DATA'); // two of three samples: not judged yet
    await record(dep.id, values('accuracy', [0.86]));
    let d = await drift(dep.id);
    expect(d.status).toBe('OK');
    expect(d.checks[0].current).toBeCloseTo(0.88, 12);
    expect(d.checks[0].relativeChange).toBeCloseTo(-0.02 / 0.9, 12); // a 2.2% drop, under 5%
    expect(d.checks[0]).toMatchObject({ samples: 3, drifting: false, status: 'OK' });

    await record(dep.id, values('accuracy', [0.8, 0.79, 0.78]));
    d = await drift(dep.id);
    expect(d.status).toBe('DRIFTING');
    expect(d.checks[0].current).toBeCloseTo(0.79, 12);
    expect(d.checks[0].relativeChange).toBeCloseTo(-0.11 / 0.9, 12);
    expect(d.checks[0]).toMatchObject({ drifting: true, status: 'DRIFTING' });
    let drifts = await events(dep.id, ['DRIFT_DETECTED', 'DRIFT_RESOLVED']);
    expect(drifts).toHaveLength(1);
    expect(drifts[0].action).toBe('DRIFT_DETECTED');
    expect(drifts[0].after).toMatchObject({ versionId: dep.versions[0], metric: 'accuracy', status: 'DRIFTING', baseline: 0.9, window: 3 });

    for (const low of [0.7, 0.75, 0.72]) await record(dep.id, values('accuracy', [low]));
    expect((await drift(dep.id)).status).toBe('DRIFTING');
    expect(await events(dep.id, ['DRIFT_DETECTED', 'DRIFT_RESOLVED'])).toHaveLength(1);

    await record(dep.id, values('accuracy', [0.9, 0.89, 0.91]));
    d = await drift(dep.id);
    expect(d.status).toBe('OK');
    expect(d.checks[0].current).toBeCloseTo(0.9, 12);
    drifts = await events(dep.id, ['DRIFT_DETECTED', 'DRIFT_RESOLVED']);
    expect(drifts.map((e) => e.action)).toEqual(['DRIFT_DETECTED', 'DRIFT_RESOLVED']);
    expect(drifts[1].after).toMatchObject({ versionId: dep.versions[0], metric: 'accuracy', status: 'OK' });
    // One DEPLOYMENT_METRICS_RECORDED per call (seven calls), never one per sample.
    const recorded = await events(dep.id, ['DEPLOYMENT_METRICS_RECORDED']);
    expect(recorded).toHaveLength(7);
    expect(recorded[0].after).toEqual({ versionId: dep.versions[0], samples: 2, keyCount: 1, keys: ['accuracy'] });
  });

  it('judges a lower-is-better metric (latency) by its rise', async () => {
    const dep = await deployment([100]);
    await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'latency_ms', baseline: 100, maxRelativeDrop: 0.2, higherIsBetter: false, window: 2 } });
    await record(dep.id, values('latency_ms', [50, 60])); // 45% faster: better, never drifting
    expect((await drift(dep.id)).checks[0]).toMatchObject({ current: 55, relativeChange: -0.45, drifting: false, status: 'OK' });
    await record(dep.id, values('latency_ms', [110, 115])); // +12.5%
    expect((await drift(dep.id)).checks[0]).toMatchObject({ current: 112.5, relativeChange: 0.125, drifting: false, status: 'OK' });
    await record(dep.id, values('latency_ms', [130, 140])); // +35%
    expect((await drift(dep.id)).checks[0]).toMatchObject({ current: 135, relativeChange: 0.35, drifting: true, status: 'DRIFTING' });
    expect((await events(dep.id, ['DRIFT_DETECTED'])).map((e) => e.after.metric)).toEqual(['latency_ms']);
  });

  it('judges each served version of a 90/10 split against its own baseline: the canary drifts, the stable version does not', async () => {
    const ds = await seed(t).dataset();
    const dsv = await seed(t).datasetVersion(ds.id);
    const dep = await deployment([90, 10], [{ metrics: [{ key: 'accuracy', value: 0.9 }] }, {}]);
    const [stable, canary] = dep.versions;
    await t.ok('mutation($v: ID!, $d: ID!) { logEvaluation(versionId: $v, datasetVersionId: $d, metrics: [{ key: "accuracy", value: 0.85 }]) { id } }',
      { v: canary, d: dsv.id });
    await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'accuracy', maxRelativeDrop: 0.1, window: 2 } });

    const split = await t.fails(RECORD, { d: dep.id, m: values('accuracy', [0.9]) });
    expect([split.code, split.field, split.message]).toEqual(['BAD_USER_INPUT', 'versionId', 'versionId: is required while the traffic is split (2 versions serve it)']);
    await record(dep.id, values('accuracy', [0.9, 0.88]), stable);
    await record(dep.id, values('accuracy', [0.7, 0.72]), canary);

    const d = await drift(dep.id);
    expect(d.status).toBe('DRIFTING');
    expect(d.checks.map((c: Record<string, unknown>) => [(c.version as { id: string }).id, c.percent, c.baseline, c.baselineSource, c.status])).toEqual([
      [stable, 90, 0.9, 'REGISTRATION', 'OK'],
      [canary, 10, 0.85, 'EVALUATION', 'DRIFTING'],
    ]);
    expect(d.checks[1].relativeChange).toBeCloseTo((0.71 - 0.85) / 0.85, 12);
    expect((await events(dep.id, ['DRIFT_DETECTED'])).map((e) => e.after.versionId)).toEqual([canary]);
  });

  it('refuses samples of an unknown version or of another model\'s version', async () => {
    const dep = await deployment([100]);
    const other = await deployment([100]);
    const unknown = await t.fails(RECORD, { d: dep.id, m: values('accuracy', [1]), v: 'mv_01jz0000000000000000000000' });
    expect([unknown.code, unknown.field]).toEqual(['NOT_FOUND', 'versionId']);
    const foreign = await t.fails(RECORD, { d: dep.id, m: values('accuracy', [1]), v: other.versions[0] });
    expect([foreign.code, foreign.field, foreign.message]).toEqual(['BAD_USER_INPUT', 'versionId', 'versionId: belongs to another model than the deployment']);
    const missing = await t.fails(RECORD, { d: 'dep_01jz0000000000000000000000', m: values('accuracy', [1]) });
    expect([missing.code, missing.field]).toEqual(['NOT_FOUND', 'deploymentId']);
    expect(await events(dep.id, ['DEPLOYMENT_METRICS_RECORDED'])).toEqual([]);
  });

  it('takes 10,000 samples in one call (the one list above 1,000 items), not 10,001', async () => {
    const dep = await deployment([100]);
    const m = Array.from({ length: 10_000 }, (_, i) => ({ key: `m${i % 7}`, value: i }));
    await record(dep.id, m);
    const [{ n }] = await t.app.db.manager.query('SELECT COUNT(*) AS n FROM deployment_metric_sample WHERE deployment_id = ?', [dep.id]);
    expect(Number(n)).toBe(10_000);
    const recorded = await events(dep.id, ['DEPLOYMENT_METRICS_RECORDED']);
    expect(recorded.map((e) => e.after)).toEqual([{ versionId: dep.versions[0], samples: 10_000, keyCount: 7, keys: ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'] }]);
    const tooMany = await t.fails(RECORD, { d: dep.id, m: [...m, { key: 'm0', value: 1 }] });
    expect([tooMany.code, tooMany.field, tooMany.message]).toEqual(['BAD_USER_INPUT', 'metrics', 'metrics: must have at most 10000 items']);
  });

  it('replaces a policy, and deleteDriftPolicy removes it (false when there is none)', async () => {
    const dep = await deployment([100]);
    await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'accuracy', baseline: 0.9, maxRelativeDrop: 0.05 } });
    await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'accuracy', baseline: 0.8, maxRelativeDrop: 0.1, window: 5 } });
    await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'auc', maxRelativeDrop: 0.1 } });
    const d = await t.ok(`query($id: ID!) { deployment(id: $id) { driftPolicies { metric baseline maxRelativeDrop window } } }`, { id: dep.id });
    expect(d.deployment.driftPolicies).toEqual([
      { metric: 'accuracy', baseline: 0.8, maxRelativeDrop: 0.1, window: 5 }, { metric: 'auc', baseline: null, maxRelativeDrop: 0.1, window: 1 }]);
    const del = 'mutation($d: ID!, $k: String!) { deleteDriftPolicy(deploymentId: $d, metric: $k) }';
    expect(await t.ok(del, { d: dep.id, k: 'accuracy' })).toEqual({ deleteDriftPolicy: true });
    expect(await t.ok(del, { d: dep.id, k: 'accuracy' })).toEqual({ deleteDriftPolicy: false });
    expect((await events(dep.id, ['DRIFT_POLICY_SET', 'DRIFT_POLICY_DELETED'])).map((e) => e.action))
      .toEqual(['DRIFT_POLICY_SET', 'DRIFT_POLICY_SET', 'DRIFT_POLICY_SET', 'DRIFT_POLICY_DELETED']);
    const missing = await t.fails(POLICY, { i: { deploymentId: 'dep_01jz0000000000000000000000', metric: 'a', maxRelativeDrop: 0.1 } });
    expect([missing.code, missing.field]).toEqual(['NOT_FOUND', 'input.deploymentId']);
  });

  it('batches drift across deployments: as many statements for 10 deployments as for 2', async () => {
    const build = async (prefix: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const dep = await deployment([90, 10], [{ metrics: [{ key: 'accuracy', value: 0.9 }] }, { metrics: [{ key: 'accuracy', value: 0.9 }] }], `${prefix}-${i}`);
        await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'accuracy', maxRelativeDrop: 0.05, window: 2 } });
        await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'latency', baseline: 100, maxRelativeDrop: 0.2, higherIsBetter: false } });
        for (const v of dep.versions) await record(dep.id, [...values('accuracy', [0.9, 0.7]), ...values('latency', [120])], v);
      }
    };
    await build('few', 2);
    await build('many', 10);
    const Q = `query($p: String!) { deployments(first: 20, filter: { nameContains: $p }) { nodes { name driftPolicies { metric }
      drift { status checks { metric version { id version } percent baseline current samples relativeChange status } } } } }`;
    const few = await t.statements(Q, { p: 'few-' });
    const many = await t.statements(Q, { p: 'many-' });
    const nodes = (many.result.data as { deployments: { nodes: { drift: { status: string; checks: { status: string }[] } }[] } }).deployments.nodes;
    expect(nodes).toHaveLength(10);
    // accuracy drifts on both versions ((0.9+0.7)/2 = 0.8: an 11% drop); latency is 20% up: not more than 20%.
    for (const n of nodes) expect([n.drift.status, n.drift.checks.map((c) => c.status)]).toEqual(['DRIFTING', ['DRIFTING', 'DRIFTING', 'OK', 'OK']]);
    expect(many.statements.length).toBe(few.statements.length);
  });

  it('records one DRIFT_DETECTED when concurrent calls cross the threshold', async () => {
    const dep = await deployment([100]);
    await t.ok(POLICY, { i: { deploymentId: dep.id, metric: 'accuracy', baseline: 0.9, maxRelativeDrop: 0.05 } });
    await record(dep.id, values('accuracy', [0.9]));
    const { results, maxOpen } = await concurrently(t, 8, () => t.gql(RECORD, { d: dep.id, m: values('accuracy', [0.5]) }));
    expect(results.map((r) => r.errors)).toEqual(Array(8).fill(undefined));
    expectEngineOverlap(t, maxOpen);
    expect((await events(dep.id, ['DRIFT_DETECTED', 'DRIFT_RESOLVED'])).map((e) => e.action)).toEqual(['DRIFT_DETECTED']);
    expect((await drift(dep.id)).status).toBe('DRIFTING');
  });
});

describe('drift sample retention', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  const count = async (): Promise<number> => Number((await t.app.db.manager.query('SELECT COUNT(*) AS n FROM deployment_metric_sample'))[0].n);

  it('is 30 days unless DRIFT_SAMPLE_RETENTION_DAYS says otherwise', () => {
    expect(loadConfig({}).DRIFT_SAMPLE_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ DRIFT_SAMPLE_RETENTION_DAYS: '7' }).DRIFT_SAMPLE_RETENTION_DAYS).toBe(7);
    expect(() => loadConfig({ DRIFT_SAMPLE_RETENTION_DAYS: '0' })).toThrow(/DRIFT_SAMPLE_RETENTION_DAYS/);
  });

  it('prunes samples older than the retention after writes, at most 1,000 per prune, until the backlog is gone', async () => {
    const model = await seed(t).model();
    const version = await seed(t).version(model.id);
    const dep = await seed(t).deployment(model.id);
    await t.ok('mutation($d: ID!, $v: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $v, percent: 100 }]) { id } }', { d: dep.id, v: version.id });
    const old = new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString();
    const recent = new Date(Date.now() - 29 * 24 * 3600 * 1000).toISOString();
    await t.ok(RECORD, { d: dep.id, m: values('accuracy', Array(1500).fill(0.9)), at: old });
    // The first write's prune removed one full batch (1,000 of the 1,500): a backlog remains.
    expect(await count()).toBe(500);
    await t.ok(RECORD, { d: dep.id, m: values('accuracy', [0.9, 0.9]), at: recent });
    // A backlog makes the next write prune again: the last 500 old samples go, the recent ones stay.
    expect(await count()).toBe(2);
    expect(await pruneDriftSamples(t.app.db, { retentionDays: 30 })).toBe(0);
    expect(await pruneDriftSamples(t.app.db, { retentionDays: 28 })).toBe(2);
  });
});
