import { TestApp } from '../support/app';
import { seed } from '../support/seed';

const Q = `query($prefix: String!) { models(first: 20, filter: { nameContains: $prefix }) { nodes {
  versionInStage(stage: PRODUCTION) { version } past: versionInStage(stage: PRODUCTION, asOf: "2030-01-01T00:00:00.000Z") { version }
  champion: alias(name: "champion") { version } aliases { name version { version } } policy { requiredApprovals }
  stageHistory(first: 5) { totalCount nodes { kind version { version } } }
  aliasHistory(first: 5) { nodes { alias version { version } } }
  transitionRequests(first: 5) { nodes { status reviews { actor } version { version } } }
  versions(first: 10) { nodes { stage aliases deployments { name } transitions(first: 3) { nodes { toStage } } } }
  deployments { revision traffic { percent version { version } } revisions(first: 3) { nodes { revision traffic { percent } } } }
} } }`;

async function build(t: TestApp, prefix: string, models: number): Promise<void> {
  const s = seed(t);
  for (let i = 0; i < models; i++) {
    const m = await s.model(`${prefix}-${i}`);
    const [v1, v2, v3] = [await s.version(m.id), await s.version(m.id), await s.version(m.id)];
    await t.ok('mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { id } }', { v: v1.id });
    await t.ok('mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { id } }', { v: v2.id });
    await t.ok('mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) { id } }', { m: m.id, v: v2.id });
    await t.ok('mutation($v: ID!) { requestStageTransition(versionId: $v, stage: STAGING) { id } }', { v: v3.id });
    const d = await s.deployment(m.id, `${prefix}-dep-${i}`);
    await t.ok('mutation($d: ID!, $a: ID!, $b: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $a, percent: 90 }, { versionId: $b, percent: 10 }]) { id } }', { d: d.id, a: v2.id, b: v3.id });
    await t.ok('mutation($d: ID!, $a: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $a, percent: 100 }]) { id } }', { d: d.id, a: v2.id });
  }
}

describe('lifecycle fields are batched', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await build(t, 'one', 1);
    await build(t, 'many', 8);
  });
  afterAll(() => t.stop());

  it('costs no more statements for 8 models than for 1', async () => {
    const one = await t.statements(Q, { prefix: 'one-' });
    const many = await t.statements(Q, { prefix: 'many-' });
    expect(one.result.errors).toBeUndefined();
    expect(many.result.errors).toBeUndefined();
    const models = (many.result.data as { models: { nodes: { champion: { version: string }; deployments: { traffic: unknown[] }[] }[] } }).models.nodes;
    expect(models).toHaveLength(8);
    expect(models.every((m) => m.champion.version === '2' && m.deployments[0].traffic.length === 1)).toBe(true);
    // One batch per relation per level. On MySQL results arrive in varying order, so a loader's keys may
    // dispatch in one or two batches (±2 statements either way); an N+1 would add 7+ per relation here.
    expect(Math.abs(many.statements.length - one.statements.length)).toBeLessThanOrEqual(2);
    expect(many.statements.length).toBeLessThanOrEqual(26);
    process.stdout.write(`lifecycle fields: ${many.statements.length} statements for 8 models (${t.engine})\n`);
  });
});
