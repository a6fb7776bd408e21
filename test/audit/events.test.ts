import { redact } from '../../src/audit/canonical';
import { TestApp } from '../support/app';
import { seed, unique } from '../support/seed';
import { eventCount, eventsOf, sealed, verify, type EventRow } from './support';

const as = (actor: string, requestId = `req-${actor}`) => ({ 'x-actor': actor, 'x-request-id': requestId });

/** What the test states about one event (before/after: the members it names, matched exactly). */
interface Expected {
  action: string;
  entityType: string;
  entityId: string;
  actor?: string;
  before?: unknown;
  after?: Record<string, unknown>;
}

function expectEvents(events: EventRow[], expected: Expected[], actor: string): void {
  expect(events.map((e) => [e.action, e.entityType, e.entityId])).toEqual(expected.map((e) => [e.action, e.entityType, e.entityId]));
  events.forEach((event, i) => {
    const want = expected[i];
    // In open local mode the subject of an X-Actor caller is `local:<X-Actor>`.
    expect(event.actor).toBe(`local:${want.actor ?? actor}`);
    expect(event.requestId).toBe(`req-${want.actor ?? actor}`);
    expect(event.id).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
    if (want.before !== undefined) expect(event.before).toEqual(want.before);
    if (want.after) expect(event.after).toMatchObject(want.after);
  });
}

describe('audit events: every mutation writes its events, in its transaction', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  /** Runs one mutation as `actor` and checks the events it wrote. */
  async function step(actor: string, query: string, variables: Record<string, unknown>, expected: (data: Record<string, any>) => Expected[]) {
    let data: Record<string, any> = {};
    const events = await eventsOf(t, async () => (data = await t.ok(query, variables, as(actor))));
    expectEvents(events, expected(data), actor);
    return data;
  }

  it('records each mutation with actor, action, entity, before and after', async () => {
    const names = { exp: unique('exp'), model: unique('model'), ds: unique('ds'), dep: unique('dep') };
    const exp = (await step('alice', 'mutation($n: String!) { createExperiment(input: { name: $n, tags: [{ key: "team", value: "ml" }] }) { id } }', { n: names.exp },
      (d) => [{ action: 'EXPERIMENT_CREATED', entityType: 'Experiment', entityId: d.createExperiment.id, before: null,
        after: { name: names.exp, description: null, tags: [{ key: 'team', value: 'ml' }] } }])).createExperiment.id as string;
    const model = (await step('alice', 'mutation($n: String!) { registerModel(input: { name: $n, versioningScheme: INTEGER }) { id } }', { n: names.model },
      (d) => [{ action: 'MODEL_REGISTERED', entityType: 'Model', entityId: d.registerModel.id, before: null,
        after: { name: names.model, versioningScheme: 'INTEGER', description: null, tags: [] } }])).registerModel.id as string;
    const ds = (await step('alice', 'mutation($n: String!) { createDataset(input: { name: $n }) { id } }', { n: names.ds },
      (d) => [{ action: 'DATASET_CREATED', entityType: 'Dataset', entityId: d.createDataset.id, after: { name: names.ds } }])).createDataset.id as string;
    const dsv = (await step('alice', 'mutation($d: ID!) { createDatasetVersion(input: { datasetId: $d, uri: "s3://d/1", digest: "sha256:' + 'a'.repeat(64) + '" }) { id createdBy } }', { d: ds },
      (d) => [{ action: 'DATASET_VERSION_CREATED', entityType: 'DatasetVersion', entityId: d.createDatasetVersion.id,
        after: { datasetId: ds, version: '1', uri: 's3://d/1' } }])).createDatasetVersion;
    expect(dsv.createdBy).toBe('local:alice');
    const run = (await step('bob', 'mutation($e: ID!, $i: [ID!]) { startRun(input: { experimentId: $e, name: "r1", inputDatasetVersionIds: $i }) { id createdBy } }', { e: exp, i: [dsv.id] },
      (d) => [{ action: 'RUN_STARTED', entityType: 'Run', entityId: d.startRun.id, after: { experimentId: exp, name: 'r1', status: 'RUNNING', inputDatasetVersionIds: [dsv.id] } }])).startRun;
    expect(run.createdBy).toBe('local:bob');
    await step('bob', 'mutation($r: ID!) { logRunMetrics(runId: $r, metrics: [{ key: "loss", value: 0.5 }, { key: "acc", value: 0.9 }, { key: "loss", value: 0.4, step: 2 }]) { id } }', { r: run.id },
      () => [{ action: 'RUN_METRICS_LOGGED', entityType: 'Run', entityId: run.id, before: null, after: { points: 3, keys: ['acc', 'loss'] } }]);
    await step('bob', 'mutation($r: ID!) { finishRun(runId: $r, status: FINISHED) { id } }', { r: run.id },
      () => [{ action: 'RUN_FINISHED', entityType: 'Run', entityId: run.id, before: { status: 'RUNNING' }, after: { status: 'FINISHED' } }]);
    const V = 'mutation($m: ID!, $r: ID) { createModelVersion(input: { modelId: $m, artifactUri: "s3://m/a", runId: $r }) { id createdBy } }';
    const v1 = (await step('bob', V, { m: model, r: run.id }, (d) => [{ action: 'MODEL_VERSION_CREATED', entityType: 'ModelVersion',
      entityId: d.createModelVersion.id, after: { modelId: model, version: '1', stage: 'NONE', runId: run.id, artifactUri: 's3://m/a' } }])).createModelVersion;
    expect(v1.createdBy).toBe('local:bob');
    const v2 = (await step('bob', V, { m: model }, (d) => [{ action: 'MODEL_VERSION_CREATED', entityType: 'ModelVersion',
      entityId: d.createModelVersion.id, after: { modelId: model, version: '2', runId: null } }])).createModelVersion;
    await step('carol', 'mutation($v: ID!, $d: ID!) { logEvaluation(versionId: $v, datasetVersionId: $d, metrics: [{ key: "auc", value: 0.8 }]) { id createdBy } }', { v: v1.id, d: dsv.id },
      (d) => [{ action: 'EVALUATION_LOGGED', entityType: 'ModelVersion', entityId: v1.id,
        after: { evaluationId: d.logEvaluation.id, datasetVersionId: dsv.id, points: 1, keys: ['auc'] } }]);
    await step('carol', 'mutation($id: ID!) { setTags(id: $id, tags: [{ key: "team", value: "growth" }]) { id } }', { id: model },
      () => [{ action: 'TAGS_SET', entityType: 'Model', entityId: model, before: { tags: [] }, after: { tags: [{ key: 'team', value: 'growth' }] } }]);
    await step('carol', 'mutation($id: ID!) { setTags(id: $id, tags: [{ key: "team", value: "growth" }]) { id } }', { id: model }, () => []);
    await step('carol', 'mutation($id: ID!) { updateDescription(id: $id, description: "churn") { id } }', { id: model },
      () => [{ action: 'DESCRIPTION_UPDATED', entityType: 'Model', entityId: model, before: { description: null }, after: { description: 'churn' } }]);

    const T = 'mutation($v: ID!, $s: Stage!) { transitionStage(versionId: $v, stage: $s, comment: "go") { id } }';
    await step('dave', T, { v: v1.id, s: 'PRODUCTION' }, () => [
      { action: 'STAGE_TRANSITIONED', entityType: 'ModelVersion', entityId: v1.id, before: { stage: 'NONE' }, after: { stage: 'PRODUCTION', kind: 'TRANSITION', comment: 'go' } }]);
    await step('dave', T, { v: v2.id, s: 'PRODUCTION' }, () => [
      { action: 'STAGE_TRANSITIONED', entityType: 'ModelVersion', entityId: v1.id, before: { stage: 'PRODUCTION' }, after: { stage: 'ARCHIVED', kind: 'ARCHIVED_BY_PROMOTION' } },
      { action: 'STAGE_TRANSITIONED', entityType: 'ModelVersion', entityId: v2.id, before: { stage: 'NONE' }, after: { stage: 'PRODUCTION', kind: 'TRANSITION' } }]);
    await step('dave', 'mutation($m: ID!) { rollbackStage(modelId: $m) { id } }', { m: model }, () => [
      { action: 'STAGE_TRANSITIONED', entityType: 'ModelVersion', entityId: v2.id, before: { stage: 'PRODUCTION' }, after: { stage: 'ARCHIVED', kind: 'ROLLBACK' } },
      { action: 'STAGE_TRANSITIONED', entityType: 'ModelVersion', entityId: v1.id, before: { stage: 'ARCHIVED' }, after: { stage: 'PRODUCTION', kind: 'ROLLBACK' } }]);

    const SET = 'mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) { id } }';
    await step('erin', SET, { m: model, v: v1.id }, () => [
      { action: 'ALIAS_SET', entityType: 'Model', entityId: model, before: { alias: 'champion', versionId: null }, after: { alias: 'champion', versionId: v1.id } }]);
    await step('erin', SET, { m: model, v: v1.id }, () => []);
    await step('erin', SET, { m: model, v: v2.id }, () => [
      { action: 'ALIAS_SET', entityType: 'Model', entityId: model, before: { alias: 'champion', versionId: v1.id }, after: { alias: 'champion', versionId: v2.id } }]);
    await step('erin', 'mutation($m: ID!) { deleteAlias(modelId: $m, alias: "champion") { id } }', { m: model }, () => [
      { action: 'ALIAS_DELETED', entityType: 'Model', entityId: model, before: { alias: 'champion', versionId: v2.id }, after: { alias: 'champion', versionId: null } }]);

    const POLICY = 'mutation($m: ID!, $n: Int!) { setModelPolicy(modelId: $m, input: { requiredApprovals: $n, protectedAliases: ["champion"] }) { id } }';
    await step('erin', POLICY, { m: model, n: 1 }, () => [{ action: 'MODEL_POLICY_CHANGED', entityType: 'Model', entityId: model,
      // No policy was stored: the change starts from the defaults every model has.
      before: { requiredApprovals: 0, protectedAliases: [], deployableStages: null },
      after: { requiredApprovals: 1, protectedAliases: ['champion'], deployableStages: null } }]);
    await step('erin', POLICY, { m: model, n: 1 }, () => []);

    const request = (await step('alice', 'mutation($v: ID!) { requestStageTransition(versionId: $v, stage: PRODUCTION, comment: "ship") { id } }', { v: v2.id },
      (d) => [{ action: 'TRANSITION_REQUESTED', entityType: 'TransitionRequest', entityId: d.requestStageTransition.id, before: null,
        after: { versionId: v2.id, modelId: model, stage: 'PRODUCTION', alias: null, status: 'PENDING', requiredApprovals: 1, comment: 'ship' } }])).requestStageTransition.id as string;
    await step('bob', 'mutation($id: ID!) { approveTransitionRequest(id: $id) { id status } }', { id: request }, () => [
      { action: 'TRANSITION_APPROVED', entityType: 'TransitionRequest', entityId: request, before: { status: 'PENDING' }, after: { status: 'APPLIED', approvals: 1, requiredApprovals: 1 } },
      { action: 'STAGE_TRANSITIONED', entityType: 'ModelVersion', entityId: v1.id, before: { stage: 'PRODUCTION' }, after: { stage: 'ARCHIVED', kind: 'ARCHIVED_BY_PROMOTION', transitionRequestId: request } },
      { action: 'STAGE_TRANSITIONED', entityType: 'ModelVersion', entityId: v2.id, before: { stage: 'ARCHIVED' }, after: { stage: 'PRODUCTION', kind: 'TRANSITION', transitionRequestId: request } }]);
    const aliasRequest = (await step('alice', 'mutation($v: ID!) { requestAliasChange(versionId: $v, alias: "champion") { id } }', { v: v1.id },
      (d) => [{ action: 'TRANSITION_REQUESTED', entityType: 'TransitionRequest', entityId: d.requestAliasChange.id, after: { alias: 'champion', stage: null } }])).requestAliasChange.id as string;
    await step('bob', 'mutation($id: ID!) { rejectTransitionRequest(id: $id, comment: "not yet") { id } }', { id: aliasRequest }, () => [
      { action: 'TRANSITION_REJECTED', entityType: 'TransitionRequest', entityId: aliasRequest, before: { status: 'PENDING' }, after: { status: 'REJECTED', comment: 'not yet' } }]);

    const dep = (await step('frank', 'mutation($n: String!, $m: ID!) { createDeployment(input: { name: $n, modelId: $m, environment: "prod" }) { id } }', { n: names.dep, m: model },
      (d) => [{ action: 'DEPLOYMENT_CREATED', entityType: 'Deployment', entityId: d.createDeployment.id, before: null,
        after: { name: names.dep, modelId: model, environment: 'prod', revision: 0, status: 'ACTIVE' } }])).createDeployment.id as string;
    const DEPLOY = 'mutation($d: ID!, $v: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $v, percent: 100 }]) { revision } }';
    // v1 is ARCHIVED (v2 took PRODUCTION): the policy must let ARCHIVED versions serve before v1 can be deployed.
    await step('erin', 'mutation($m: ID!) { setModelPolicy(modelId: $m, input: { deployableStages: [NONE, STAGING, PRODUCTION, ARCHIVED] }) { id } }', { m: model },
      () => [{ action: 'MODEL_POLICY_CHANGED', entityType: 'Model', entityId: model,
        before: { requiredApprovals: 1, protectedAliases: ['champion'], deployableStages: null },
        after: { requiredApprovals: 1, protectedAliases: ['champion'], deployableStages: ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'] } }]);
    await step('frank', DEPLOY, { d: dep, v: v1.id }, () => [{ action: 'DEPLOYMENT_UPDATED', entityType: 'Deployment', entityId: dep,
      before: { revision: 0 }, after: { revision: 1, traffic: [{ versionId: v1.id, percent: 100 }] } }]);
    await step('frank', DEPLOY, { d: dep, v: v2.id }, () => [{ action: 'DEPLOYMENT_UPDATED', entityType: 'Deployment', entityId: dep,
      before: { revision: 1 }, after: { revision: 2, traffic: [{ versionId: v2.id, percent: 100 }] } }]);
    // v1 is ARCHIVED now: the rollback restores revision 1 whatever the versions' stages are.
    await step('frank', 'mutation($d: ID!) { rollbackDeployment(deploymentId: $d) { revision } }', { d: dep }, () => [{ action: 'DEPLOYMENT_ROLLED_BACK',
      entityType: 'Deployment', entityId: dep, before: { revision: 2 }, after: { revision: 3, rolledBackTo: 1, traffic: [{ versionId: v1.id, percent: 100 }] } }]);
    await step('frank', 'mutation($d: ID!) { retireDeployment(deploymentId: $d) { revision } }', { d: dep }, () => [{ action: 'DEPLOYMENT_RETIRED',
      entityType: 'Deployment', entityId: dep, before: { revision: 3, status: 'ACTIVE' }, after: { revision: 4, status: 'RETIRED', traffic: [] } }]);

    // The feed filters, and each node's own events.
    const byActor = await t.ok('{ auditEvents(filter: { actor: "local:frank" }, first: 10) { totalCount nodes { action } } }');
    expect(byActor.auditEvents.nodes.map((n: { action: string }) => n.action)).toEqual(
      ['DEPLOYMENT_RETIRED', 'DEPLOYMENT_ROLLED_BACK', 'DEPLOYMENT_UPDATED', 'DEPLOYMENT_UPDATED', 'DEPLOYMENT_CREATED']);
    const onDep = await t.ok('query($d: ID!) { deployment(id: $d) { auditEvents(first: 2) { totalCount nodes { action } } } }', { d: dep });
    expect(onDep.deployment.auditEvents).toEqual({ totalCount: 5, nodes: [{ action: 'DEPLOYMENT_RETIRED' }, { action: 'DEPLOYMENT_ROLLED_BACK' }] });
    const byAction = await t.ok('query($e: ID!) { auditEvents(filter: { action: ALIAS_SET, entityId: $e }) { totalCount } }', { e: model });
    expect(byAction.auditEvents.totalCount).toBe(2);
  });

  it('an idempotent replay writes no second event', async () => {
    const name = unique('keyed');
    const Q = 'mutation($n: String!) { registerModel(input: { name: $n, versioningScheme: INTEGER, idempotencyKey: "k1" }) { id } }';
    const first = await eventsOf(t, () => t.ok(Q, { n: name }, as('alice')));
    expect(first.map((e) => e.action)).toEqual(['MODEL_REGISTERED']);
    expect(await eventsOf(t, () => t.ok(Q, { n: name }, as('alice')))).toEqual([]);
  });

  it('a failed mutation writes none: validation, FORBIDDEN, PRECONDITION_FAILED, CONFLICT', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    await t.ok('mutation($m: ID!) { setModelPolicy(modelId: $m, input: { requiredApprovals: 1 }) { id } }', { m: m.id });
    const request = (await t.ok('mutation($v: ID!) { requestStageTransition(versionId: $v, stage: PRODUCTION) { id } }', { v: v.id }, as('alice'))).requestStageTransition.id;
    const before = await eventCount(t);
    expect((await t.fails('mutation { registerModel(input: { name: "", versioningScheme: INTEGER }) { id } }')).code).toBe('BAD_USER_INPUT');
    expect((await t.fails('mutation($id: ID!) { approveTransitionRequest(id: $id) { id } }', { id: request }, as('alice'))).code).toBe('FORBIDDEN');
    expect((await t.fails('mutation($v: ID!) { transitionStage(versionId: $v, stage: NONE) { id } }', { v: v.id })).code).toBe('PRECONDITION_FAILED');
    expect((await t.fails('mutation($n: String!) { registerModel(input: { name: $n, versioningScheme: INTEGER }) { id } }', { n: m.name })).code).toBe('CONFLICT');
    expect((await t.fails('mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { id } }', { v: v.id })).code).toBe('PRECONDITION_FAILED');
    expect(await eventCount(t)).toBe(before);
  });

  it('an event already inserted rolls back with its failing transaction', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    await t.ok('mutation($m: ID!) { setModelPolicy(modelId: $m, input: { requiredApprovals: 1 }) { id } }', { m: m.id });
    const request = (await t.ok('mutation($v: ID!) { requestStageTransition(versionId: $v, stage: STAGING) { id } }', { v: v.id }, as('alice'))).requestStageTransition.id;
    await t.ok('mutation($v: ID!) { transitionStage(versionId: $v, stage: STAGING) { id } }', { v: v.id });
    const before = await eventCount(t);
    // The approval's TRANSITION_APPROVED is inserted, then applying the request fails (already in STAGING).
    expect((await t.fails('mutation($id: ID!) { approveTransitionRequest(id: $id) { id } }', { id: request }, as('bob'))).code).toBe('PRECONDITION_FAILED');
    expect(await eventCount(t)).toBe(before);
    const status = await t.ok('query($id: ID!) { node(id: $id) { ... on TransitionRequest { status approvals } } }', { id: request });
    expect(status.node).toEqual({ status: 'PENDING', approvals: 0 });

    // A service's create joined to an outer transaction that then fails: the event goes with it.
    const { services, db } = t.app;
    const input = { name: unique('rolled-back'), versioningScheme: 'INTEGER' } as Parameters<typeof services.models.create>[0];
    const failed = await db.transaction(async () => {
      await services.models.create(input, { actor: 'alice', requestId: 'req-x' });
      throw new Error('after the event');
    }).catch((error: Error) => error.message);
    expect(failed).toBe('after the event');
    expect(await eventCount(t)).toBe(before);
  });

  it('keeps large values compact: a member over the budget is stored as its digest and size', async () => {
    const exp = await seed(t).experiment();
    const params = { blob: 'x'.repeat(64 * 1024 - 20) };
    const run = (await t.ok('mutation($i: StartRunInput!) { startRun(input: $i) { id } }', { i: { experimentId: exp.id, params, name: 'big' } })).startRun.id;
    const tags = Array.from({ length: 1000 }, (_, i) => ({ key: `k${String(i).padStart(4, '0')}`, value: 'é'.repeat(1000) }));
    await t.ok('mutation($id: ID!, $tags: [TagInput!]!) { setTags(id: $id, tags: $tags) { id } }', { id: run, tags });
    const events = await t.ok('query($id: ID!) { run(id: $id) { auditEvents { nodes { action before after } } } }', { id: run });
    const [tagsSet, started] = events.run.auditEvents.nodes;
    expect(started.after).toMatchObject({ experimentId: exp.id, name: 'big', status: 'RUNNING', params: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: 64 * 1024 - 9 } });
    expect(tagsSet).toMatchObject({ action: 'TAGS_SET', before: { tags: [] }, after: { tags: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
    await sealed(t);
    expect((await verify(t)).ok).toBe(true);
  });

  it('redacts secrets in before/after and keeps ids of them', () => {
    expect(redact({ name: 'ci', token: 'mg_abc', tokenId: 'tok_1', nested: { clientSecret: 's', password: 'p' }, list: [{ apiKey: 'k' }] })).toEqual({
      name: 'ci', token: '[REDACTED]', tokenId: 'tok_1', nested: { clientSecret: '[REDACTED]', password: '[REDACTED]' }, list: [{ apiKey: '[REDACTED]' }],
    });
  });
});
