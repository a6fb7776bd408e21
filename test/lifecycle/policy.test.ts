import { TestApp } from '../support/app';
import { concurrently, expectEngineOverlap } from '../support/concurrency';
import { seed } from '../support/seed';

const POLICY_FIELDS = 'requiredApprovals protectedAliases deployableStages updatedBy';
const SET = `mutation($m: ID!, $i: ModelPolicyInput!) { setModelPolicy(modelId: $m, input: $i) { policy { ${POLICY_FIELDS} } } }`;
const GET = `query($m: ID!) { model(id: $m) { policy { ${POLICY_FIELDS} updatedAt } } }`;
const DEPLOY = `mutation($d: ID!, $t: [TrafficInput!]!) { deploy(deploymentId: $d, traffic: $t) {
  revision traffic { version { id } percent } } }`;
const STATE = 'query($d: ID!) { deployment(id: $d) { revision traffic { version { id } percent } revisions { totalCount } } }';
const MOVE = 'mutation($v: ID!, $s: Stage!) { transitionStage(versionId: $v, stage: $s) { stage } }';
const ROLLBACK = 'mutation($d: ID!) { rollbackDeployment(deploymentId: $d) { revision traffic { version { id } percent } } }';
const DEFAULT_STAGES = ['NONE', 'STAGING', 'PRODUCTION'];
const as = (actor: string) => ({ 'x-actor': actor });

describe('model policy: optional fields, deployable stages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  const setup = () => seed(t).deploymentFixture();
  const serve = (versionId: string, percent = 100) => ({ versionId, percent });

  it('a model without a policy answers the defaults', async () => {
    const m = await seed(t).model();
    expect((await t.ok(GET, { m: m.id })).model.policy).toEqual({
      requiredApprovals: 0, protectedAliases: [], deployableStages: DEFAULT_STAGES, updatedBy: null, updatedAt: null,
    });
  });

  it('an omitted field keeps its value, an explicit null restores its default', async () => {
    const m = await seed(t).model();
    const set = async (i: Record<string, unknown>, actor = 'alice') => (await t.ok(SET, { m: m.id, i }, as(actor))).setModelPolicy.policy;
    expect(await set({ requiredApprovals: 2, protectedAliases: ['champion'] })).toEqual({
      requiredApprovals: 2, protectedAliases: ['champion'], deployableStages: DEFAULT_STAGES, updatedBy: 'local:alice',
    });
    // Only the stages change (kept in the enum's order); approvals and aliases stay.
    expect(await set({ deployableStages: ['PRODUCTION', 'STAGING'] }, 'bob')).toEqual({
      requiredApprovals: 2, protectedAliases: ['champion'], deployableStages: ['STAGING', 'PRODUCTION'], updatedBy: 'local:bob',
    });
    expect(await set({ requiredApprovals: 1 })).toEqual({
      requiredApprovals: 1, protectedAliases: ['champion'], deployableStages: ['STAGING', 'PRODUCTION'], updatedBy: 'local:alice',
    });
    expect(await set({}, 'carol')).toEqual({
      requiredApprovals: 1, protectedAliases: ['champion'], deployableStages: ['STAGING', 'PRODUCTION'], updatedBy: 'local:carol',
    });
    expect(await set({ protectedAliases: null })).toEqual({
      requiredApprovals: 1, protectedAliases: [], deployableStages: ['STAGING', 'PRODUCTION'], updatedBy: 'local:alice',
    });
    expect(await set({ deployableStages: null, requiredApprovals: null })).toEqual({
      requiredApprovals: 0, protectedAliases: [], deployableStages: DEFAULT_STAGES, updatedBy: 'local:alice',
    });
    // Through variables: an omitted variable is an omitted field, a null one an explicit null.
    const VARS = 'mutation($m: ID!, $n: Int, $s: [Stage!]) { setModelPolicy(modelId: $m, input: { requiredApprovals: $n, deployableStages: $s }) { policy { requiredApprovals deployableStages } } }';
    expect((await t.ok(VARS, { m: m.id, s: ['PRODUCTION'] })).setModelPolicy.policy).toEqual({ requiredApprovals: 0, deployableStages: ['PRODUCTION'] });
    expect((await t.ok(VARS, { m: m.id, n: 3 })).setModelPolicy.policy).toEqual({ requiredApprovals: 3, deployableStages: ['PRODUCTION'] });
    expect((await t.ok(VARS, { m: m.id, n: 3, s: null })).setModelPolicy.policy).toEqual({ requiredApprovals: 3, deployableStages: DEFAULT_STAGES });
  });

  it('refuses duplicate, empty or too many stages, naming the field, and writes nothing', async () => {
    const m = await seed(t).model();
    const cases: [unknown[], string][] = [
      [['PRODUCTION', 'STAGING', 'PRODUCTION'], 'input.deployableStages.2'],
      [['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED', 'NONE'], 'input.deployableStages'],
      [[], 'input.deployableStages'],
    ];
    for (const [stages, field] of cases) {
      expect(await t.fails(SET, { m: m.id, i: { requiredApprovals: 2, deployableStages: stages } })).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await t.fails(SET, { m: m.id, i: { deployableStages: ['NOPE'] } })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await t.ok(GET, { m: m.id })).model.policy).toMatchObject({ requiredApprovals: 0, deployableStages: DEFAULT_STAGES, updatedAt: null });
  });

  it('by default deploy refuses an ARCHIVED version, naming it and its stage, and writes nothing', async () => {
    const { v1, v2, d } = await setup();
    await t.ok(DEPLOY, { d: d.id, t: [serve(v1.id)] });
    await t.ok(MOVE, { v: v2.id, s: 'ARCHIVED' });
    const refused = await t.fails(DEPLOY, { d: d.id, t: [serve(v1.id, 90), serve(v2.id, 10)] });
    expect(refused.code).toBe('PRECONDITION_FAILED');
    expect(refused.message).toBe(`Version 2 (${v2.id}) is in ARCHIVED: this model deploys only versions in NONE, STAGING, PRODUCTION`);
    expect((await t.ok(STATE, { d: d.id })).deployment).toEqual({ revision: 1, traffic: [{ version: { id: v1.id }, percent: 100 }], revisions: { totalCount: 1 } });
  });

  it('deployableStages narrows deploy: only PRODUCTION, then ARCHIVED allowed explicitly', async () => {
    const { m, v1, v2, d } = await setup();
    await t.ok(SET, { m: m.id, i: { deployableStages: ['PRODUCTION'] } });
    const refused = await t.fails(DEPLOY, { d: d.id, t: [serve(v1.id)] });
    expect(refused).toMatchObject({ code: 'PRECONDITION_FAILED', message: `Version 1 (${v1.id}) is in NONE: this model deploys only versions in PRODUCTION` });
    expect((await t.ok(STATE, { d: d.id })).deployment.revisions.totalCount).toBe(0);
    await t.ok(MOVE, { v: v1.id, s: 'PRODUCTION' });
    expect((await t.ok(DEPLOY, { d: d.id, t: [serve(v1.id)] })).deploy.revision).toBe(1);
    await t.ok(MOVE, { v: v2.id, s: 'ARCHIVED' });
    await t.ok(SET, { m: m.id, i: { deployableStages: ['PRODUCTION', 'ARCHIVED'] } });
    expect((await t.ok(DEPLOY, { d: d.id, t: [serve(v1.id, 50), serve(v2.id, 50)] })).deploy.revision).toBe(2);
  });

  it('rollback restores an earlier revision whatever its versions\' stages and the policy say', async () => {
    const { m, v1, v2, d } = await setup();
    await t.ok(DEPLOY, { d: d.id, t: [serve(v1.id)] });
    await t.ok(MOVE, { v: v2.id, s: 'PRODUCTION' });
    await t.ok(DEPLOY, { d: d.id, t: [serve(v2.id)] });
    await t.ok(MOVE, { v: v1.id, s: 'ARCHIVED' });
    await t.ok(SET, { m: m.id, i: { deployableStages: ['PRODUCTION'] } });
    expect((await t.fails(DEPLOY, { d: d.id, t: [serve(v1.id)] })).code).toBe('PRECONDITION_FAILED');
    expect((await t.ok(ROLLBACK, { d: d.id })).rollbackDeployment).toEqual({ revision: 3, traffic: [{ version: { id: v1.id }, percent: 100 }] });
    const now = await t.ok('query($v: ID!) { modelVersion(id: $v) { stage deployments { id } } }', { v: v1.id });
    expect(now.modelVersion).toEqual({ stage: 'ARCHIVED', deployments: [{ id: d.id }] });
  });

  // The version's stage is read under its row lock (after the model's): an archive that commits first makes
  // the deploy fail; a deploy that commits first is followed by the archive. A deploy never starts serving a
  // version that was already ARCHIVED.
  it('concurrent transitionStage(v, ARCHIVED) and deploy(v): the deploy never serves an already ARCHIVED version', async () => {
    let maxOpen = 0;
    
    for (let round = 0; round < 12; round++) {
      const { v1, v2, d } = await setup();
      await t.ok(DEPLOY, { d: d.id, t: [serve(v1.id)] });
      const run = await concurrently(t, 2, (i) => (i === round % 2 // either one starts first
        ? t.gql(MOVE, { v: v2.id, s: 'ARCHIVED' })
        : t.gql(DEPLOY, { d: d.id, t: [serve(v2.id)] })));
      maxOpen = Math.max(maxOpen, run.maxOpen);
      const [archived, deployed] = round % 2 ? [run.results[1], run.results[0]] : run.results;
      expect(archived.errors).toBeUndefined();
      const after = await t.ok(`query($d: ID!, $v: ID!) {
        deployment(id: $d) { revision traffic { version { id } percent } revisions(first: 1) { nodes { revision createdAt } } }
        modelVersion(id: $v) { stage transitions(first: 1) { nodes { toStage at } } } }`, { d: d.id, v: v2.id });
      expect(after.modelVersion.stage).toBe('ARCHIVED');
      if (deployed.errors) {
        expect(deployed.errors[0].extensions?.code).toBe('PRECONDITION_FAILED');
        expect(after.deployment).toMatchObject({ revision: 1, traffic: [{ version: { id: v1.id }, percent: 100 }] });
      } else {
        expect(after.deployment).toMatchObject({ revision: 2, traffic: [{ version: { id: v2.id }, percent: 100 }], revisions: { nodes: [{ revision: 2 }] } });
        // The archive came after the revision: the deploy saw the version before it was archived.
        const archivedAt = Date.parse(after.modelVersion.transitions.nodes[0].at);
        expect(archivedAt).toBeGreaterThanOrEqual(Date.parse(after.deployment.revisions.nodes[0].createdAt));
      }
    }
    expectEngineOverlap(t, maxOpen);
  });
});
