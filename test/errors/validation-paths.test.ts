import { TestApp } from '../support/app';
import { DIGEST, seed, unique } from '../support/seed';
import { chars, tags } from './helpers';

/**
 * One rule → one message → one `extensions.field` path, on every mutation. Each mutation of the schema has
 * at least one bad input here (a new mutation without a case fails the first test); each case states the
 * exact field and message, and cases of one rule must agree on the message wherever the rule applies.
 */

interface Case {
  label: string;
  query: string;
  variables: () => Record<string, unknown>;
  field: string;
  message: string;
  /** Cases with the same rule must give the same message. */
  rule?: string;
}

const M = {
  commentTooLong: 'must be at most 10000 characters',
  tooMany: (n: number) => `must have at most ${n} items`,
  duplicateTag: 'repeats the tag key "team" of item 0',
  empty: 'must not be empty',
  nameTooLong: 'must be at most 200 characters',
  alias: "must start with a letter and use letters, digits, '_', '.', '-' (at most 100)",
  range: (min: number, max: number) => `must be an integer from ${min} to ${max}`,
};

const LONG = chars(10_001);
const DUP_TAGS = [{ key: 'team', value: 'a' }, { key: 'other', value: 'x' }, { key: 'team', value: 'b' }];

let ids: { model: string; v1: string; v2: string; deployment: string; experiment: string; run: string; dataset: string; request: string };

const cases: Record<string, Case[]> = {};
const add = (mutation: string, ...list: Case[]) => (cases[mutation] = [...(cases[mutation] ?? []), ...list]);

/** A case for a mutation called with `args` (a GraphQL argument list over variables) and `vars`. */
const call = (mutation: string, signature: string, args: string, selection = '{ __typename }') =>
  `mutation(${signature}) { r: ${mutation}(${args}) ${selection} }`;

const comment = (mutation: string, signature: string, args: string, variables: () => Record<string, unknown>): Case => ({
  label: 'a 10,001-character comment', query: call(mutation, `${signature}, $c: String`, `${args}, comment: $c`),
  variables: () => ({ ...variables(), c: LONG }), field: 'comment', message: M.commentTooLong, rule: '10,000 characters',
});

add('transitionStage', comment('transitionStage', '$v: ID!', 'versionId: $v, stage: STAGING', () => ({ v: ids.v1 })));
add('rollbackStage',
  comment('rollbackStage', '$m: ID!', 'modelId: $m', () => ({ m: ids.model })),
  { label: 'a stage other than PRODUCTION', query: call('rollbackStage', '$m: ID!', 'modelId: $m, stage: STAGING'), variables: () => ({ m: ids.model }),
    field: 'stage', message: 'must be PRODUCTION' });
add('setAlias',
  comment('setAlias', '$m: ID!, $v: ID!', 'modelId: $m, alias: "champion", versionId: $v', () => ({ m: ids.model, v: ids.v1 })),
  { label: 'a bad alias name', query: call('setAlias', '$m: ID!, $v: ID!, $a: String!', 'modelId: $m, alias: $a, versionId: $v'),
    variables: () => ({ m: ids.model, v: ids.v1, a: '1st' }), field: 'alias', message: M.alias, rule: 'alias name' },
  { label: 'the reserved alias "latest"', query: call('setAlias', '$m: ID!, $v: ID!, $a: String!', 'modelId: $m, alias: $a, versionId: $v'),
    variables: () => ({ m: ids.model, v: ids.v1, a: 'latest' }), field: 'alias', message: '"latest" is reserved (use Model.latestVersion)' });
add('deleteAlias', comment('deleteAlias', '$m: ID!', 'modelId: $m, alias: "champion"', () => ({ m: ids.model })));
const TOKEN = call('createApiToken', '$n: String!, $e: DateTime', 'name: $n, role: VIEWER, expiresAt: $e', '{ token }');
add('createApiToken',
  { label: 'an empty name', query: TOKEN, variables: () => ({ n: '' }), field: 'name', message: M.empty },
  { label: 'an expiry in the past', query: TOKEN, variables: () => ({ n: 'ci', e: '2020-01-01T00:00:00.000Z' }), field: 'expiresAt', message: 'must be in the future' });
add('revokeApiToken',
  { label: 'an id that is not well-formed Unicode', query: call('revokeApiToken', '$id: ID!', 'id: $id', ''), variables: () => ({ id: 'tok_\ud800' }),
    field: 'id', message: 'must be well-formed Unicode (it contains a lone UTF-16 surrogate)' });
const GRANT = call('grantModelRole', '$m: ID!, $s: String!, $r: Role!', 'modelId: $m, subject: $s, role: $r', '{ role }');
add('grantModelRole',
  { label: 'an empty subject', query: GRANT, variables: () => ({ m: ids.model, s: '', r: 'EDITOR' }), field: 'subject', message: M.empty },
  { label: 'the global-only role ADMIN', query: GRANT, variables: () => ({ m: ids.model, s: 'jwt:ada', r: 'ADMIN' }), field: 'role', message: 'must be VIEWER, EDITOR or APPROVER' });
add('revokeModelRole',
  { label: 'a 201-character subject', query: call('revokeModelRole', '$m: ID!, $s: String!', 'modelId: $m, subject: $s', ''), variables: () => ({ m: ids.model, s: chars(201) }),
    field: 'subject', message: M.nameTooLong });
const HOOK = call('createWebhook', '$i: CreateWebhookInput!', 'input: $i', '{ secret }');
const hook = (patch: Record<string, unknown>) => () => ({ i: { url: 'https://hooks.example.com/x', events: ['MODEL_REGISTERED'], ...patch } });
add('createWebhook',
  { label: 'an ftp URL', query: HOOK, variables: hook({ url: 'ftp://hooks.example.com/x' }), field: 'input.url', message: 'must be an http(s) URL' },
  { label: 'a URL with credentials', query: HOOK, variables: hook({ url: 'https://user:pw@hooks.example.com/x' }), field: 'input.url', message: 'must not contain credentials' },
  { label: 'no event types', query: HOOK, variables: hook({ events: [] }), field: 'input.events', message: M.empty, rule: 'empty' },
  { label: 'an event type twice', query: HOOK, variables: hook({ events: ['MODEL_REGISTERED', 'MODEL_REGISTERED'] }), field: 'input.events.1',
    message: 'repeats the event type "MODEL_REGISTERED" of item 0' },
  { label: 'a 15-character secret', query: HOOK, variables: hook({ secret: chars(15) }), field: 'input.secret', message: 'must be at least 16 characters' });
for (const [mutation, arg] of [['deleteWebhook', 'id'], ['redeliver', 'deliveryId'], ['skipDelivery', 'deliveryId']]) {
  add(mutation, { label: 'an id with a lone surrogate', query: call(mutation, '$id: ID!', `${arg}: $id`, mutation === 'deleteWebhook' ? '' : '{ id }'),
    variables: () => ({ id: 'whk_\ud800' }), field: arg, message: 'must be well-formed Unicode (it contains a lone UTF-16 surrogate)', rule: 'well-formed Unicode' });
}
const POLICY = call('setModelPolicy', '$m: ID!, $p: ModelPolicyInput!', 'modelId: $m, input: $p');
add('setModelPolicy',
  { label: '11 required approvals', query: POLICY, variables: () => ({ m: ids.model, p: { requiredApprovals: 11 } }),
    field: 'input.requiredApprovals', message: M.range(0, 10) },
  { label: 'a bad protected alias', query: POLICY, variables: () => ({ m: ids.model, p: { requiredApprovals: 1, protectedAliases: ['ok', 'not ok'] } }),
    field: 'input.protectedAliases.1', message: M.alias, rule: 'alias name' },
  { label: '101 protected aliases', query: POLICY, variables: () => ({ m: ids.model, p: { requiredApprovals: 1, protectedAliases: Array.from({ length: 101 }, (_, i) => `a${i}`) } }),
    field: 'input.protectedAliases', message: M.tooMany(100) },
  { label: 'a repeated deployable stage', query: POLICY, variables: () => ({ m: ids.model, p: { deployableStages: ['STAGING', 'PRODUCTION', 'STAGING'] } }),
    field: 'input.deployableStages.2', message: 'repeats the stage "STAGING" of item 0' },
  { label: '5 deployable stages', query: POLICY, variables: () => ({ m: ids.model, p: { deployableStages: ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED', 'NONE'] } }),
    field: 'input.deployableStages', message: M.tooMany(4) },
  { label: 'no deployable stage', query: POLICY, variables: () => ({ m: ids.model, p: { deployableStages: [] } }),
    field: 'input.deployableStages', message: M.empty });
add('requestStageTransition', comment('requestStageTransition', '$v: ID!', 'versionId: $v, stage: PRODUCTION', () => ({ v: ids.v1 })));
add('requestAliasChange',
  comment('requestAliasChange', '$v: ID!', 'versionId: $v, alias: "champion"', () => ({ v: ids.v1 })),
  { label: 'a bad alias name', query: call('requestAliasChange', '$v: ID!, $a: String!', 'versionId: $v, alias: $a'),
    variables: () => ({ v: ids.v1, a: 'a b' }), field: 'alias', message: M.alias, rule: 'alias name' });
add('approveTransitionRequest', comment('approveTransitionRequest', '$id: ID!', 'id: $id', () => ({ id: ids.request })));
add('rejectTransitionRequest', comment('rejectTransitionRequest', '$id: ID!', 'id: $id', () => ({ id: ids.request })));

const DEPLOY = call('deploy', '$d: ID!, $t: [TrafficInput!]!', 'deploymentId: $d, traffic: $t');
add('deploy',
  comment('deploy', '$d: ID!, $v: ID!', 'deploymentId: $d, traffic: [{ versionId: $v, percent: 100 }]', () => ({ d: ids.deployment, v: ids.v1 })),
  { label: 'no traffic', query: DEPLOY, variables: () => ({ d: ids.deployment, t: [] }), field: 'traffic', message: M.empty },
  { label: '101 traffic entries', query: DEPLOY, variables: () => ({ d: ids.deployment, t: Array.from({ length: 101 }, (_, i) => ({ versionId: `mv_${i}`, percent: 1 })) }),
    field: 'traffic', message: M.tooMany(100) },
  { label: 'a percent of 0', query: DEPLOY, variables: () => ({ d: ids.deployment, t: [{ versionId: ids.v1, percent: 0 }, { versionId: ids.v2, percent: 100 }] }),
    field: 'traffic.0.percent', message: M.range(1, 100) },
  { label: 'a version twice', query: DEPLOY, variables: () => ({ d: ids.deployment, t: [{ versionId: 'mv_same', percent: 50 }, { versionId: 'mv_same', percent: 50 }] }),
    field: 'traffic.1.versionId', message: 'repeats the version id "mv_same" of item 0' },
  { label: 'percents summing to 90', query: DEPLOY, variables: () => ({ d: ids.deployment, t: [{ versionId: ids.v1, percent: 40 }, { versionId: ids.v2, percent: 50 }] }),
    field: 'traffic', message: 'percents must sum to 100 (they sum to 90)' });
add('rollbackDeployment', comment('rollbackDeployment', '$d: ID!', 'deploymentId: $d', () => ({ d: ids.deployment })));
add('retireDeployment', comment('retireDeployment', '$d: ID!', 'deploymentId: $d', () => ({ d: ids.deployment })));

/** Archival mutations take only an id: like every argument, it must be well-formed Unicode. */
for (const type of ['Model', 'Dataset', 'Experiment']) {
  for (const verb of ['archive', 'restore']) {
    add(`${verb}${type}`, { label: 'an id with a lone surrogate', query: call(`${verb}${type}`, '$id: ID!', 'id: $id'), variables: () => ({ id: 'x\ud800' }),
      field: 'id', message: 'must be well-formed Unicode (it contains a lone UTF-16 surrogate)', rule: 'well-formed Unicode' });
  }
}

/** The create mutations: their inputs share name, description, tags and idempotency-key rules. */
const CREATES: Record<string, { type: string; valid: () => Record<string, unknown>; named: boolean }> = {
  createExperiment: { type: 'CreateExperimentInput', valid: () => ({ name: unique('exp') }), named: true },
  createDataset: { type: 'CreateDatasetInput', valid: () => ({ name: unique('ds') }), named: true },
  createDatasetVersion: { type: 'CreateDatasetVersionInput', valid: () => ({ datasetId: ids.dataset, uri: 's3://d/p', digest: DIGEST }), named: false },
  createDeployment: { type: 'CreateDeploymentInput', valid: () => ({ name: unique('dep'), modelId: ids.model, environment: 'prod' }), named: true },
  registerModel: { type: 'RegisterModelInput', valid: () => ({ name: unique('mdl') }), named: true },
  createModelVersion: { type: 'CreateModelVersionInput', valid: () => ({ modelId: ids.model, artifactUri: 's3://m/a' }), named: false },
  startRun: { type: 'StartRunInput', valid: () => ({ experimentId: ids.experiment }), named: false },
};
const create = (mutation: string) => call(mutation, `$i: ${CREATES[mutation].type}!`, 'input: $i', '{ id }');
const bad = (mutation: string, label: string, patch: Record<string, unknown>, field: string, message: string, rule?: string): Case => ({
  label, query: create(mutation), variables: () => ({ i: { ...CREATES[mutation].valid(), ...patch } }), field, message, rule,
});
for (const mutation of Object.keys(CREATES)) {
  add(mutation,
    bad(mutation, 'duplicate tag keys', { tags: DUP_TAGS }, 'input.tags.2.key', M.duplicateTag, 'duplicate tag key'),
    bad(mutation, '1,001 tags', { tags: tags(1001) }, 'input.tags', M.tooMany(1000), '1,000 items'),
    bad(mutation, 'an empty tag key', { tags: [{ key: 'a', value: '1' }, { key: '', value: '2' }] }, 'input.tags.1.key', M.empty, 'empty'),
    bad(mutation, 'an empty idempotencyKey', { idempotencyKey: '' }, 'input.idempotencyKey', M.empty, 'empty'),
    bad(mutation, 'a 201-character idempotencyKey', { idempotencyKey: chars(201) }, 'input.idempotencyKey', M.nameTooLong, '200 characters'));
  if (mutation !== 'startRun') add(mutation, bad(mutation, 'a 10,001-character description', { description: LONG }, 'input.description', M.commentTooLong, '10,000 characters'));
  if (CREATES[mutation].named || mutation === 'startRun') {
    add(mutation,
      bad(mutation, 'an empty name', { name: '' }, 'input.name', M.empty, 'empty'),
      bad(mutation, 'a 201-character name', { name: chars(201) }, 'input.name', M.nameTooLong, '200 characters'));
  }
}
add('createDatasetVersion',
  bad('createDatasetVersion', 'a derivedFromId twice', { derivedFromIds: ['dsv_x', 'dsv_x'] }, 'input.derivedFromIds.1', 'repeats the id "dsv_x" of item 0'),
  bad('createDatasetVersion', 'both datasetId and datasetName', { datasetName: 'x' }, 'input.datasetName', 'give exactly one of datasetId or datasetName'),
  { ...bad('createDatasetVersion', 'neither datasetId nor datasetName', {}, 'input.datasetId', 'give exactly one of datasetId or datasetName'),
    variables: () => ({ i: { uri: 's3://d/p', digest: DIGEST } }) });
add('createModelVersion',
  bad('createModelVersion', 'a dataset version twice', { datasets: [{ datasetVersionId: 'dsv_a' }, { datasetVersionId: 'dsv_a', role: 'TEST' }] },
    'input.datasets.1.datasetVersionId', 'repeats the datasetVersionId "dsv_a" of item 0'),
  bad('createModelVersion', '1,001 metrics', { metrics: Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: 1 })) }, 'input.metrics', M.tooMany(1000), '1,000 items'),
  bad('createModelVersion', 'bump and version', { bump: 'MINOR', version: '7' }, 'input.bump', 'give either bump or version, not both'),
  bad('createModelVersion', 'both modelId and modelName', { modelName: 'x' }, 'input.modelName', 'give exactly one of modelId or modelName'));
add('startRun',
  bad('startRun', 'an input dataset version twice', { inputDatasetVersionIds: ['dsv_a', 'dsv_b', 'dsv_a'] }, 'input.inputDatasetVersionIds.2', 'repeats the id "dsv_a" of item 0'));

const SET_TAGS = call('setTags', '$id: ID!, $t: [TagInput!]!', 'id: $id, tags: $t');
add('setTags',
  { label: 'duplicate tag keys', query: SET_TAGS, variables: () => ({ id: ids.model, t: DUP_TAGS }), field: 'tags.2.key', message: M.duplicateTag, rule: 'duplicate tag key' },
  { label: '1,001 tags', query: SET_TAGS, variables: () => ({ id: ids.model, t: tags(1001) }), field: 'tags', message: M.tooMany(1000), rule: '1,000 items' },
  { label: 'an empty tag key', query: SET_TAGS, variables: () => ({ id: ids.model, t: [{ key: '', value: '1' }] }), field: 'tags.0.key', message: M.empty, rule: 'empty' });
add('updateDescription',
  { label: 'a 10,001-character description', query: call('updateDescription', '$id: ID!, $d: String', 'id: $id, description: $d'),
    variables: () => ({ id: ids.model, d: LONG }), field: 'description', message: M.commentTooLong, rule: '10,000 characters' });
const LOG = call('logRunMetrics', '$r: ID!, $m: [MetricInput!]!', 'runId: $r, metrics: $m');
add('logRunMetrics',
  { label: '1,001 metrics', query: LOG, variables: () => ({ r: ids.run, m: Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: 1 })) }),
    field: 'metrics', message: M.tooMany(1000), rule: '1,000 items' },
  { label: 'an empty metric key', query: LOG, variables: () => ({ r: ids.run, m: [{ key: 'ok', value: 1 }, { key: '', value: 1 }] }),
    field: 'metrics.1.key', message: M.empty, rule: 'empty' });
const EVAL = call('logEvaluation', '$v: ID!, $d: ID!, $m: [MetricInput!]!, $s: Int', 'versionId: $v, datasetVersionId: $d, metrics: $m, step: $s');
// Arguments are checked before any lookup, so the dataset version id need not exist.
add('logEvaluation',
  { label: '1,001 evaluation metrics', query: EVAL, variables: () => ({ v: ids.v1, d: 'dsv_x', m: Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: 1 })) }),
    field: 'metrics', message: M.tooMany(1000), rule: '1,000 items' },
  { label: 'no evaluation metrics', query: EVAL, variables: () => ({ v: ids.v1, d: 'dsv_x', m: [] }), field: 'metrics', message: M.empty, rule: 'empty' },
  { label: 'an empty evaluation metric key', query: EVAL, variables: () => ({ v: ids.v1, d: 'dsv_x', m: [{ key: 'ok', value: 1 }, { key: '', value: 1 }] }),
    field: 'metrics.1.key', message: M.empty, rule: 'empty' },
  { label: 'a negative evaluation step', query: EVAL, variables: () => ({ v: ids.v1, d: 'dsv_x', m: [{ key: 'ok', value: 1 }], s: -1 }),
    field: 'step', message: M.range(0, 2 ** 31 - 1) });
add('setMetricDirection',
  { label: 'an empty metric key', query: call('setMetricDirection', '$m: ID!, $k: String!', 'modelId: $m, key: $k, higherIsBetter: true'),
    variables: () => ({ m: ids.model, k: '' }), field: 'key', message: M.empty, rule: 'empty' });
add('clearMetricDirection',
  { label: 'an empty metric key', query: call('clearMetricDirection', '$m: ID!, $k: String!', 'modelId: $m, key: $k'),
    variables: () => ({ m: ids.model, k: '' }), field: 'key', message: M.empty, rule: 'empty' });
const SAMPLES = call('recordDeploymentMetrics', '$d: ID!, $m: [MetricInput!]!', 'deploymentId: $d, metrics: $m');
// The one list allowed above 1,000 items: 10,000 samples (test/monitoring/drift.test.ts records exactly 10,000).
add('recordDeploymentMetrics',
  { label: '10,001 samples', query: SAMPLES, variables: () => ({ d: ids.deployment, m: Array.from({ length: 10_001 }, () => ({ key: 'accuracy', value: 0.9 })) }),
    field: 'metrics', message: M.tooMany(10_000) },
  { label: 'no samples', query: SAMPLES, variables: () => ({ d: ids.deployment, m: [] }), field: 'metrics', message: M.empty, rule: 'empty' },
  { label: 'an empty sample key', query: SAMPLES, variables: () => ({ d: ids.deployment, m: [{ key: 'ok', value: 1 }, { key: '', value: 1 }] }),
    field: 'metrics.1.key', message: M.empty, rule: 'empty' });
const DRIFT = call('setDriftPolicy', '$i: DriftPolicyInput!', 'input: $i', '{ metric }');
add('setDriftPolicy',
  { label: 'an empty metric', query: DRIFT, variables: () => ({ i: { deploymentId: ids.deployment, metric: '', maxRelativeDrop: 0.05 } }),
    field: 'input.metric', message: M.empty, rule: 'empty' },
  { label: 'maxRelativeDrop 0', query: DRIFT, variables: () => ({ i: { deploymentId: ids.deployment, metric: 'accuracy', maxRelativeDrop: 0 } }),
    field: 'input.maxRelativeDrop', message: 'must be greater than 0' },
  { label: 'baseline 0', query: DRIFT, variables: () => ({ i: { deploymentId: ids.deployment, metric: 'accuracy', baseline: 0, maxRelativeDrop: 0.05 } }),
    field: 'input.baseline', message: 'must not be 0 (drift is measured relative to it)' },
  { label: 'window 0', query: DRIFT, variables: () => ({ i: { deploymentId: ids.deployment, metric: 'accuracy', maxRelativeDrop: 0.05, window: 0 } }),
    field: 'input.window', message: M.range(1, 1000) });
add('deleteDriftPolicy',
  { label: 'an empty metric', query: call('deleteDriftPolicy', '$d: ID!, $k: String!', 'deploymentId: $d, metric: $k', ''),
    variables: () => ({ d: ids.deployment, k: '' }), field: 'metric', message: M.empty, rule: 'empty' });
add('finishRun',
  { label: 'status RUNNING', query: call('finishRun', '$r: ID!', 'runId: $r, status: RUNNING'), variables: () => ({ r: ids.run }),
    field: 'status', message: 'must be FINISHED, FAILED or KILLED' });

/** The same rules on query arguments. */
const QUERY_CASES: Case[] = [
  { label: 'nodes with 1,001 ids', query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: () => ({ ids: Array.from({ length: 1001 }, (_, i) => `x${i}`) }),
    field: 'ids', message: M.tooMany(1000), rule: '1,000 items' },
  { label: 'lineage maxDepth 1,001', query: 'query($id: ID!) { lineage(id: $id, maxDepth: 1001) { truncated } }', variables: () => ({ id: ids.v1 }),
    field: 'maxDepth', message: M.range(0, 1000) },
  { label: 'lineage first 0', query: 'query($id: ID!) { lineage(id: $id, first: 0) { truncated } }', variables: () => ({ id: ids.v1 }),
    field: 'first', message: M.range(1, 5000) },
  { label: 'upstream first 1,001', query: 'query($id: ID!) { modelVersion(id: $id) { upstream(first: 1001) { __typename } } }', variables: () => ({ id: ids.v1 }),
    field: 'first', message: M.range(0, 1000) },
  { label: 'a page of 101', query: '{ models(first: 101) { totalCount } }', variables: () => ({}), field: 'first', message: M.range(0, 100) },
  { label: 'a page of last -1', query: '{ models(last: -1) { totalCount } }', variables: () => ({}), field: 'last', message: M.range(0, 100) },
  { label: 'first with last', query: '{ models(first: 1, last: 1) { totalCount } }', variables: () => ({}),
    field: 'last', message: 'cannot be combined with first: page forward with first/after or backward with last/before' },
  { label: 'a relation page of 101', query: 'query($id: ID!) { model(id: $id) { versions(first: 101) { totalCount } } }', variables: () => ({ id: ids.model }),
    field: 'first', message: M.range(0, 100) },
  { label: 'model() with neither id nor name', query: '{ model { id } }', variables: () => ({}), field: 'id', message: 'give exactly one of id or name' },
  { label: 'deployment() with both id and name', query: 'query($id: ID) { deployment(id: $id, name: "x") { id } }', variables: () => ({ id: ids.deployment }),
    field: 'name', message: 'give exactly one of id or name' },
  { label: 'modelVersion() with id and model', query: 'query($id: ID) { modelVersion(id: $id, model: "x") { id } }', variables: () => ({ id: ids.v1 }),
    field: 'id', message: 'give either id, or model and version' },
  { label: 'modelVersion() with a model but no version', query: '{ modelVersion(model: "x") { id } }', variables: () => ({}),
    field: 'version', message: 'give either id, or model and version' },
];

/** Nullable lists and input objects of create inputs: null is a value their type allows. */
const NULLABLE_IN_CREATES: Record<string, string[]> = {
  createExperiment: ['tags'], createDataset: ['tags'], createDatasetVersion: ['tags', 'derivedFromIds'], createDeployment: ['tags'],
  registerModel: ['tags'], createModelVersion: ['tags', 'metrics', 'datasets'], startRun: ['tags', 'inputDatasetVersionIds'],
};
/** Nullable input objects of filters, by the query that takes the filter. */
const NULLABLE_IN_FILTERS: Record<string, { filter: string; query: string }> = {
  ExperimentFilter: { filter: 'tag', query: '{ r: experiments(filter: { tag: null }) { totalCount } }' },
  ModelFilter: { filter: 'tag', query: '{ r: models(filter: { tag: null }) { totalCount } }' },
  DatasetFilter: { filter: 'tag', query: '{ r: datasets(filter: { tag: null }) { totalCount } }' },
  DeploymentFilter: { filter: 'tag', query: '{ r: deployments(filter: { tag: null }) { totalCount } }' },
  ModelVersionFilter: { filter: 'tag', query: 'query($m: ID) { model(id: $m) { r: versions(filter: { tag: null }) { totalCount } } }' },
};

/** The search filter's nullable lists, each null at once. */
const NULLABLE_IN_SEARCH = ['anyTags', 'metrics', 'modelIds', 'tags'];
/** The policy input's nullable lists: null restores each one's default. */
const NULLABLE_IN_POLICY = ['deployableStages', 'protectedAliases'];

interface TypeRef { kind: string; name: string | null; ofType: TypeRef | null }

describe('validation: one rule, one message, one field path', () => {
  let t: TestApp;
  const seen = new Map<string, Set<string>>();

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const model = await s.model();
    const [v1, v2] = [await s.version(model.id), await s.version(model.id)];
    const experiment = await s.experiment();
    const request = await t.ok('mutation($v: ID!) { r: requestStageTransition(versionId: $v, stage: PRODUCTION) { id } }', { v: v1.id });
    ids = {
      model: model.id, v1: v1.id, v2: v2.id, deployment: (await s.deployment(model.id)).id, experiment: experiment.id,
      run: (await s.run(experiment.id)).id, dataset: (await s.dataset()).id, request: request.r.id,
    };
  });
  afterAll(() => t.stop());

  it('every mutation of the schema has cases here', async () => {
    const d = await t.ok('{ __schema { mutationType { fields { name } } } }');
    const names = (d.__schema.mutationType.fields as { name: string }[]).map((f) => f.name).sort();
    expect(Object.keys(cases).sort()).toEqual(names);
  });

  const all = [...Object.entries(cases).flatMap(([mutation, list]) => list.map((c) => ({ ...c, operation: mutation }))),
    ...QUERY_CASES.map((c) => ({ ...c, operation: 'query' }))];

  it.each(all)('$operation: $label → BAD_USER_INPUT on $field', async (c) => {
    const r = await t.gql(c.query, c.variables());
    expect(r.errors).toHaveLength(1);
    const [error] = r.errors!;
    expect({ code: error.extensions?.code, field: error.extensions?.field, message: error.message })
      .toEqual({ code: 'BAD_USER_INPUT', field: c.field, message: `${c.field}: ${c.message}` });
    if (c.rule) seen.set(c.rule, new Set([...(seen.get(c.rule) ?? []), c.message]));
  });

  it('every nullable list or input object of an input type is covered below', async () => {
    const d = await t.ok('{ __schema { types { kind name inputFields { name type { kind name ofType { kind name } } } } } }');
    const types = d.__schema.types as { kind: string; name: string; inputFields: { name: string; type: TypeRef }[] | null }[];
    const nullable = types.filter((x) => x.kind === 'INPUT_OBJECT').flatMap((x) => x.inputFields!
      .filter((f) => f.type.kind === 'LIST' || f.type.kind === 'INPUT_OBJECT').map((f) => `${x.name}.${f.name}`)).sort();
    const covered = [
      ...Object.entries(NULLABLE_IN_CREATES).flatMap(([mutation, fields]) => fields.map((f) => `${CREATES[mutation].type}.${f}`)),
      ...Object.entries(NULLABLE_IN_FILTERS).map(([type, { filter }]) => `${type}.${filter}`),
      ...NULLABLE_IN_SEARCH.map((f) => `ModelVersionSearch.${f}`),
      ...NULLABLE_IN_POLICY.map((f) => `ModelPolicyInput.${f}`),
    ].sort();
    expect(nullable).toEqual(covered);
  });

  it.each(Object.entries(NULLABLE_IN_CREATES))('%s accepts null for each nullable list: %j', async (mutation, fields) => {
    const input = { ...CREATES[mutation].valid(), ...Object.fromEntries(fields.map((f) => [f, null])) };
    const d = await t.ok(call(mutation, `$i: ${CREATES[mutation].type}!`, 'input: $i', '{ id tags { key } }'), { i: input });
    expect(d.r).toEqual({ id: expect.any(String), tags: [] });
  });

  it.each(Object.entries(NULLABLE_IN_FILTERS))('%s accepts tag: null (the same answer as no filter)', async (_type, { query }) => {
    const withNull = await t.ok(query, { m: ids.model });
    const without = await t.ok(query.replace('filter: { tag: null }', 'filter: {}'), { m: ids.model });
    expect(withNull).toEqual(without);
    expect(JSON.stringify(withNull)).toMatch(/"totalCount":[1-9]/);
  });

  it('modelVersions accepts null for each nullable list of its filter (the same answer as no filter)', async () => {
    const query = (filter: string) => `{ modelVersions(filter: ${filter}) { totalCount } }`;
    const withNull = await t.ok(query(`{ ${NULLABLE_IN_SEARCH.map((f) => `${f}: null`).join(' ')} }`));
    expect(withNull).toEqual(await t.ok(query('{}')));
    expect(JSON.stringify(withNull)).toMatch(/"totalCount":[1-9]/);
  });

  it('setModelPolicy accepts null for each nullable list (each back to its default)', async () => {
    const m = await seed(t).model();
    const set = (p: Record<string, unknown>) => t.ok(call('setModelPolicy', '$m: ID!, $p: ModelPolicyInput!', 'modelId: $m, input: $p',
      '{ policy { protectedAliases deployableStages } }'), { m: m.id, p });
    await set({ protectedAliases: ['champion'], deployableStages: ['PRODUCTION'] });
    const d = await set(Object.fromEntries(NULLABLE_IN_POLICY.map((f) => [f, null])));
    expect(d.r.policy).toEqual({ protectedAliases: [], deployableStages: ['NONE', 'STAGING', 'PRODUCTION'] });
  });

  it('a field resolved for many parents is judged on each request\'s variables (a passed value is not reused)', async () => {
    await seed(t).model();
    await seed(t).model();
    // A page of 10 keeps first: 1001 under the cost limit (10 × 1,001 neighbours), so the argument rule answers.
    const q = 'query($f: Int) { models(first: 10) { nodes { id upstream(first: $f) { __typename } } } }';
    const models = (await t.ok(q, { f: 1 })).models.nodes.length;
    expect(models).toBeGreaterThan(1);
    const r = await t.gql(q, { f: 1001 });
    expect(r.data).toBeNull();
    expect(r.errors!.length).toBeGreaterThan(0);
    for (const e of r.errors!) expect([e.extensions?.code, e.extensions?.field, e.message]).toEqual(['BAD_USER_INPUT', 'first', `first: ${M.range(0, 1000)}`]);
    expect((await t.ok(q, { f: 0 })).models.nodes.length).toBe(models);
  });

  it('each rule has one message wherever it applies', () => {
    const rules = new Map<string, Set<string>>();
    for (const c of all) if (c.rule) rules.set(c.rule, new Set([...(rules.get(c.rule) ?? []), `${c.operation}`]));
    for (const [rule, operations] of rules) expect({ rule, many: operations.size > 1 }).toEqual({ rule, many: true });
    for (const [rule, messages] of seen) expect({ rule, messages: [...messages] }).toEqual({ rule, messages: [[...messages][0]] });
    expect([...seen.keys()].sort()).toEqual([...rules.keys()].sort());
  });
});
