import { TestApp, type TestToken } from '../support/app';
import { Fixtures, MUTATION_CATALOGUE } from '../support/mutation-catalogue';

/** The event each mutation records (it may record more: a promotion also archives the previous holder). */
const EXPECTED: Record<string, string> = {
  createExperiment: 'EXPERIMENT_CREATED', startRun: 'RUN_STARTED', logRunMetrics: 'RUN_METRICS_LOGGED', finishRun: 'RUN_FINISHED',
  createDataset: 'DATASET_CREATED', createDatasetVersion: 'DATASET_VERSION_CREATED', registerModel: 'MODEL_REGISTERED',
  createModelVersion: 'MODEL_VERSION_CREATED', logEvaluation: 'EVALUATION_LOGGED', setTags: 'TAGS_SET',
  updateDescription: 'DESCRIPTION_UPDATED', createDeployment: 'DEPLOYMENT_CREATED', requestStageTransition: 'TRANSITION_REQUESTED',
  requestAliasChange: 'TRANSITION_REQUESTED', transitionStage: 'STAGE_TRANSITIONED', rollbackStage: 'STAGE_TRANSITIONED',
  setAlias: 'ALIAS_SET', deleteAlias: 'ALIAS_DELETED', approveTransitionRequest: 'TRANSITION_APPROVED',
  rejectTransitionRequest: 'TRANSITION_REJECTED', deploy: 'DEPLOYMENT_UPDATED', rollbackDeployment: 'DEPLOYMENT_ROLLED_BACK',
  retireDeployment: 'DEPLOYMENT_RETIRED', setModelPolicy: 'MODEL_POLICY_CHANGED', createApiToken: 'API_TOKEN_CREATED',
  revokeApiToken: 'API_TOKEN_REVOKED', grantModelRole: 'MODEL_ROLE_GRANTED', revokeModelRole: 'MODEL_ROLE_REVOKED',
  archiveModel: 'MODEL_ARCHIVED', restoreModel: 'MODEL_RESTORED', archiveDataset: 'DATASET_ARCHIVED', restoreDataset: 'DATASET_RESTORED',
  archiveExperiment: 'EXPERIMENT_ARCHIVED', restoreExperiment: 'EXPERIMENT_RESTORED', setMetricDirection: 'METRIC_DIRECTION_SET',
  clearMetricDirection: 'METRIC_DIRECTION_CLEARED', recordDeploymentMetrics: 'DEPLOYMENT_METRICS_RECORDED',
  setDriftPolicy: 'DRIFT_POLICY_SET', deleteDriftPolicy: 'DRIFT_POLICY_DELETED',
  createWebhook: 'WEBHOOK_CREATED', deleteWebhook: 'WEBHOOK_DELETED',
  redeliver: 'WEBHOOK_REDELIVERED', skipDelivery: 'WEBHOOK_DELIVERY_SKIPPED',
};

describe('audit coverage: every mutation of the schema records its event, as the caller, in its request', () => {
  let t: TestApp;
  let fx: Fixtures;
  let admin: TestToken;
  beforeAll(async () => {
    t = await TestApp.start({}, { auth: { adminToken: 'audit-coverage-admin-token' } });
    fx = await new Fixtures(t, t.admin).init();
    admin = await t.mint('ADMIN', 'coverage');
  });
  afterAll(() => t.stop());

  it('names an expected event for every mutation of the catalogue (which names every mutation of the schema)', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(MUTATION_CATALOGUE).sort());
  });

  it.each(Object.keys(MUTATION_CATALOGUE))('%s', async (name) => {
    const { query, variables } = await MUTATION_CATALOGUE[name].prepare(fx);
    const requestId = `coverage-${name}`;
    const result = await t.gql(query, variables, { ...admin.headers, 'x-request-id': requestId });
    expect(result.errors).toBeUndefined();
    const rows: { action: string; actor: string }[] = await t.app.db.manager.query(
      'SELECT action, actor FROM audit_event WHERE request_id = ? ORDER BY pos', [requestId]);
    expect(rows.map((r) => r.action)).toContain(EXPECTED[name]);
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set([admin.subject]));
  });
});
