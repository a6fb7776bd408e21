import { EventType } from '../../src/audit/event-type';
import { newRecordId } from '../../src/common/ids';
import { DeliveryStatus, WebhookDelivery } from '../../src/webhooks/webhook.entity';
import type { TestApp } from './app';
import { seed, unique } from './seed';

export type CatalogueRole = 'VIEWER' | 'EDITOR' | 'APPROVER' | 'ADMIN';

/** One valid call of a mutation: run it as the role under test. */
export interface Invocation {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * What the role matrix needs to know about a mutation: the least global role it needs, whether a grant on
 * the model it acts on can authorize it instead (`modelScoped`), and how to prepare one valid call on fresh
 * fixtures (made as the admin). Model-scoped calls act on the shared model `fx.model`, the one the matrix's
 * EDITOR+grant principal holds an APPROVER grant on.
 */
export interface CatalogueEntry {
  minRole: CatalogueRole;
  modelScoped: boolean;
  prepare(fx: Fixtures): Promise<Invocation>;
}

/** Shared and fresh fixtures for the matrix, all created with the admin's headers. */
export class Fixtures {
  model!: { id: string; name: string };
  /** A model that is never model-scoped in the matrix (policy and grant changes act on it). */
  other!: { id: string; name: string };
  dataset!: { id: string };
  datasetVersion!: { id: string };
  experiment!: { id: string };

  constructor(readonly t: TestApp, readonly admin: Record<string, string>) {}

  async init(): Promise<this> {
    const s = seed(this.t, this.admin);
    this.model = await s.model();
    this.other = await s.model();
    this.dataset = await s.dataset();
    this.datasetVersion = await s.datasetVersion(this.dataset.id);
    this.experiment = await s.experiment();
    return this;
  }

  version(): Promise<{ id: string }> {
    return seed(this.t, this.admin).version(this.model.id);
  }

  async stage(versionId: string, stage: string): Promise<void> {
    await this.t.ok('mutation($v: ID!, $s: Stage!) { transitionStage(versionId: $v, stage: $s) { id } }', { v: versionId, s: stage }, this.admin);
  }

  async request(): Promise<string> {
    const version = await this.version();
    const d = await this.t.ok('mutation($v: ID!) { requestStageTransition(versionId: $v, stage: STAGING) { id } }', { v: version.id }, this.admin);
    return (d.requestStageTransition as { id: string }).id;
  }

  async deployment(revisions: number): Promise<string> {
    const dep = await seed(this.t, this.admin).deployment(this.model.id);
    const version = await this.version();
    for (let i = 0; i < revisions; i++) {
      await this.t.ok('mutation($d: ID!, $v: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $v, percent: 100 }]) { id } }', { d: dep.id, v: version.id }, this.admin);
    }
    return dep.id;
  }

  async run(): Promise<string> {
    return (await seed(this.t, this.admin).run(this.experiment.id)).id;
  }
}

const call = (query: string, variables: Record<string, unknown> = {}): Invocation => ({ query, variables });

/** Every mutation of the schema (a test fails when one is missing here). */
export const MUTATION_CATALOGUE: Record<string, CatalogueEntry> = {
  createExperiment: { minRole: 'EDITOR', modelScoped: false, prepare: async () =>
    call('mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: unique('exp') }) },
  startRun: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) =>
    call('mutation($e: ID!) { startRun(input: { experimentId: $e }) { id } }', { e: fx.experiment.id }) },
  logRunMetrics: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) =>
    call('mutation($r: ID!) { logRunMetrics(runId: $r, metrics: [{ key: "loss", value: 0.5, step: 1 }]) { id } }', { r: await fx.run() }) },
  finishRun: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) =>
    call('mutation($r: ID!) { finishRun(runId: $r, status: FINISHED) { id } }', { r: await fx.run() }) },
  createDataset: { minRole: 'EDITOR', modelScoped: false, prepare: async () =>
    call('mutation($n: String!) { createDataset(input: { name: $n }) { id } }', { n: unique('ds') }) },
  createDatasetVersion: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) =>
    call('mutation($d: ID!) { createDatasetVersion(input: { datasetId: $d, uri: "s3://data/x", digest: "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }) { id } }', { d: fx.dataset.id }) },
  registerModel: { minRole: 'EDITOR', modelScoped: false, prepare: async () =>
    call('mutation($n: String!) { registerModel(input: { name: $n }) { id } }', { n: unique('model') }) },
  createModelVersion: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($m: String!) { createModelVersion(input: { modelName: $m, artifactUri: "s3://models/x" }) { id } }', { m: fx.model.name }) },
  logEvaluation: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($v: ID!, $d: ID!) { logEvaluation(versionId: $v, datasetVersionId: $d, metrics: [{ key: "auc", value: 0.9 }]) { id } }',
      { v: (await fx.version()).id, d: fx.datasetVersion.id }) },
  setTags: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($id: ID!) { setTags(id: $id, tags: [{ key: "team", value: "growth" }]) { id } }', { id: (await fx.version()).id }) },
  updateDescription: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($id: ID!) { updateDescription(id: $id, description: "churn model") { id } }', { id: fx.model.id }) },
  createDeployment: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($m: ID!, $n: String!) { createDeployment(input: { modelId: $m, name: $n, environment: "staging" }) { id } }', { m: fx.model.id, n: unique('dep') }) },
  requestStageTransition: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($v: ID!) { requestStageTransition(versionId: $v, stage: PRODUCTION) { id } }', { v: (await fx.version()).id }) },
  requestAliasChange: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($v: ID!) { requestAliasChange(versionId: $v, alias: "candidate") { id } }', { v: (await fx.version()).id }) },
  transitionStage: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($v: ID!) { transitionStage(versionId: $v, stage: STAGING) { id } }', { v: (await fx.version()).id }) },
  rollbackStage: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) => {
    for (let i = 0; i < 2; i++) await fx.stage((await fx.version()).id, 'PRODUCTION');
    return call('mutation($m: ID!) { rollbackStage(modelId: $m) { id } }', { m: fx.model.id });
  } },
  setAlias: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) { id } }', { m: fx.model.id, v: (await fx.version()).id }) },
  deleteAlias: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) => {
    const alias = unique('gone');
    await fx.t.ok('mutation($m: ID!, $a: String!, $v: ID!) { setAlias(modelId: $m, alias: $a, versionId: $v) { id } }',
      { m: fx.model.id, a: alias, v: (await fx.version()).id }, fx.admin);
    return call('mutation($m: ID!, $a: String!) { deleteAlias(modelId: $m, alias: $a) { id } }', { m: fx.model.id, a: alias });
  } },
  approveTransitionRequest: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($id: ID!) { approveTransitionRequest(id: $id) { id status } }', { id: await fx.request() }) },
  rejectTransitionRequest: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($id: ID!) { rejectTransitionRequest(id: $id) { id status } }', { id: await fx.request() }) },
  deploy: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($d: ID!, $v: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $v, percent: 100 }]) { id } }', { d: await fx.deployment(0), v: (await fx.version()).id }) },
  rollbackDeployment: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($d: ID!) { rollbackDeployment(deploymentId: $d) { id } }', { d: await fx.deployment(2) }) },
  retireDeployment: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($d: ID!) { retireDeployment(deploymentId: $d) { id } }', { d: await fx.deployment(1) }) },
  setMetricDirection: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($m: ID!) { setMetricDirection(modelId: $m, key: "latency", higherIsBetter: false) { id } }', { m: fx.model.id }) },
  clearMetricDirection: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) => {
    await fx.t.ok('mutation($m: ID!) { setMetricDirection(modelId: $m, key: "recall", higherIsBetter: true) { id } }', { m: fx.model.id }, fx.admin);
    return call('mutation($m: ID!) { clearMetricDirection(modelId: $m, key: "recall") { id } }', { m: fx.model.id });
  } },
  recordDeploymentMetrics: { minRole: 'EDITOR', modelScoped: true, prepare: async (fx) =>
    call('mutation($d: ID!) { recordDeploymentMetrics(deploymentId: $d, metrics: [{ key: "accuracy", value: 0.9 }]) { id } }', { d: await fx.deployment(1) }) },
  setDriftPolicy: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) =>
    call('mutation($d: ID!) { setDriftPolicy(input: { deploymentId: $d, metric: "accuracy", baseline: 0.9, maxRelativeDrop: 0.05 }) { metric } }', { d: await fx.deployment(1) }) },
  deleteDriftPolicy: { minRole: 'APPROVER', modelScoped: true, prepare: async (fx) => {
    const d = await fx.deployment(1);
    await fx.t.ok('mutation($d: ID!) { setDriftPolicy(input: { deploymentId: $d, metric: "latency", maxRelativeDrop: 0.2, higherIsBetter: false }) { metric } }', { d }, fx.admin);
    return call('mutation($d: ID!) { deleteDriftPolicy(deploymentId: $d, metric: "latency") }', { d });
  } },
  // Archiving acts on a fresh model (archiving the shared one would refuse the other entries' new versions), which
  // the matrix's grant does not cover; test/auth/grants.test.ts shows a grant authorizing archival of its model.
  archiveModel: { minRole: 'APPROVER', modelScoped: false, prepare: async (fx) =>
    call('mutation($id: ID!) { archiveModel(id: $id) { id archived } }', { id: (await seed(fx.t, fx.admin).model()).id }) },
  restoreModel: { minRole: 'APPROVER', modelScoped: false, prepare: async (fx) => {
    const model = await seed(fx.t, fx.admin).model();
    await fx.t.ok('mutation($id: ID!) { archiveModel(id: $id) { id } }', { id: model.id }, fx.admin);
    return call('mutation($id: ID!) { restoreModel(id: $id) { id archived } }', { id: model.id });
  } },
  archiveDataset: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) =>
    call('mutation($id: ID!) { archiveDataset(id: $id) { id archived } }', { id: (await seed(fx.t, fx.admin).dataset()).id }) },
  restoreDataset: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) => {
    const dataset = await seed(fx.t, fx.admin).dataset();
    await fx.t.ok('mutation($id: ID!) { archiveDataset(id: $id) { id } }', { id: dataset.id }, fx.admin);
    return call('mutation($id: ID!) { restoreDataset(id: $id) { id archived } }', { id: dataset.id });
  } },
  archiveExperiment: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) =>
    call('mutation($id: ID!) { archiveExperiment(id: $id) { id archived } }', { id: (await seed(fx.t, fx.admin).experiment()).id }) },
  restoreExperiment: { minRole: 'EDITOR', modelScoped: false, prepare: async (fx) => {
    const experiment = await seed(fx.t, fx.admin).experiment();
    await fx.t.ok('mutation($id: ID!) { archiveExperiment(id: $id) { id } }', { id: experiment.id }, fx.admin);
    return call('mutation($id: ID!) { restoreExperiment(id: $id) { id archived } }', { id: experiment.id });
  } },
  setModelPolicy: { minRole: 'ADMIN', modelScoped: false, prepare: async (fx) =>
    call('mutation($m: ID!) { setModelPolicy(modelId: $m, input: { requiredApprovals: 1, protectedAliases: ["champion"] }) { id } }', { m: fx.other.id }) },
  createApiToken: { minRole: 'ADMIN', modelScoped: false, prepare: async () =>
    call('mutation { createApiToken(name: "matrix", role: VIEWER) { apiToken { id } } }') },
  revokeApiToken: { minRole: 'ADMIN', modelScoped: false, prepare: async (fx) => {
    const d = await fx.t.ok('mutation { createApiToken(name: "to revoke", role: VIEWER) { apiToken { id } } }', {}, fx.admin);
    return call('mutation($id: ID!) { revokeApiToken(id: $id) }', { id: (d.createApiToken as { apiToken: { id: string } }).apiToken.id });
  } },
  grantModelRole: { minRole: 'ADMIN', modelScoped: false, prepare: async (fx) =>
    call('mutation($m: ID!, $s: String!) { grantModelRole(modelId: $m, subject: $s, role: EDITOR) { subject } }', { m: fx.other.id, s: unique('jwt:someone') }) },
  revokeModelRole: { minRole: 'ADMIN', modelScoped: false, prepare: async (fx) => {
    const subject = unique('jwt:someone');
    await fx.t.ok('mutation($m: ID!, $s: String!) { grantModelRole(modelId: $m, subject: $s, role: EDITOR) { subject } }', { m: fx.other.id, s: subject }, fx.admin);
    return call('mutation($m: ID!, $s: String!) { revokeModelRole(modelId: $m, subject: $s) }', { m: fx.other.id, s: subject });
  } },
  createWebhook: { minRole: 'ADMIN', modelScoped: false, prepare: async () =>
    call('mutation($u: String!) { createWebhook(input: { url: $u, events: [WEBHOOK_DELETED] }) { webhook { id } } }', { u: 'https://hooks.example.com/registry' }) },
  deleteWebhook: { minRole: 'ADMIN', modelScoped: false, prepare: async (fx) =>
    call('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: await webhookOf(fx) }) },
  redeliver: { minRole: 'ADMIN', modelScoped: false, prepare: async (fx) =>
    call('mutation($id: ID!) { redeliver(deliveryId: $id) { status } }', { id: await deadDelivery(fx) }) },
  skipDelivery: { minRole: 'ADMIN', modelScoped: false, prepare: async (fx) =>
    call('mutation($id: ID!) { skipDelivery(deliveryId: $id) { status } }', { id: await deadDelivery(fx) }) },
};

/** A webhook (never reached: example.com's subdomain, receiving only WEBHOOK_DELETED events). */
async function webhookOf(fx: Fixtures): Promise<string> {
  const d = await fx.t.ok('mutation { createWebhook(input: { url: "https://hooks.example.com/registry", events: [WEBHOOK_DELETED] }) { webhook { id } } }', {}, fx.admin);
  return (d.createWebhook as { webhook: { id: string } }).webhook.id;
}

/** A dead-lettered delivery of a fresh webhook, written as the dispatcher would leave it (its attempts take time to run out). */
async function deadDelivery(fx: Fixtures): Promise<string> {
  const webhookId = await webhookOf(fx);
  const [event] = (await fx.t.app.db.manager.query('SELECT id, entity_id FROM audit_event ORDER BY pos DESC LIMIT 1')) as { id: string; entity_id: string }[];
  const id = newRecordId('WebhookDelivery');
  const at = new Date();
  await fx.t.app.db.manager.insert(WebhookDelivery, {
    id, webhookId, eventId: event.id, eventType: EventType.WEBHOOK_CREATED, entityId: event.entity_id, sequence: 1_000_000 + Math.floor(Math.random() * 1e6),
    status: DeliveryStatus.DEAD, attempts: 8, nextAttemptAt: at, leaseUntil: null, claim: null, lastAttemptAt: at, lastStatusCode: 500,
    lastError: 'status 500', lastDurationMs: 1, lastResponse: null, deliveredAt: null, createdAt: at,
  });
  return id;
}
