import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { chars, expectRejected } from './helpers';

/**
 * Values no database stores as given (docs/api.md, "Input limits"): non-finite numbers, strings that are not
 * well-formed Unicode, JSON nested deeper than 20 levels. Each is BAD_USER_INPUT naming the input path,
 * whether written inline in the document or passed as a variable, and nothing is written.
 */

const nest = (levels: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};
/** The same nesting as a GraphQL input literal: { a: { a: … 1 } }. */
const nestLiteral = (levels: number): string => `${'{ a: '.repeat(levels)}1${' }'.repeat(levels)}`;

const START = 'mutation($i: StartRunInput!) { startRun(input: $i) { id params } }';
const VERSION = 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id hyperparameters signature metrics { key value } } }';
const EXPERIMENT = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id name description tags { key value } } }';
const EXP_RUNS = 'query($id: ID) { experiment(id: $id) { runs { totalCount } } }';

describe('edge values are BAD_USER_INPUT, never reach the database', () => {
  let t: TestApp;
  let experimentId: string;
  let runId: string;
  let modelId: string;
  const runState = () => ({ query: 'query($id: ID!) { run(id: $id) { metrics { key value } updatedAt } }', variables: { id: runId } });

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    experimentId = (await s.experiment()).id;
    runId = (await s.run(experimentId)).id;
    modelId = (await s.model()).id;
  });
  afterAll(() => t.stop());

  describe('non-finite numbers', () => {
    it.each(['1e309', '-1e309', '1.5e400'])('a Float literal %s → BAD_USER_INPUT on metrics.0.value', async (literal) => {
      const query = `mutation($r: ID!) { logRunMetrics(runId: $r, metrics: [{ key: "loss", value: ${literal} }]) { id } }`;
      await expectRejected(t, query, { r: runId }, { code: 'BAD_USER_INPUT', field: 'metrics.0.value' }, runState());
    });

    it('a Float literal inside an input object → BAD_USER_INPUT on input.metrics.1.value', async () => {
      const query = `mutation($m: ID!) { createModelVersion(input: { modelId: $m, artifactUri: "s3://x/y",
        metrics: [{ key: "auc", value: 0.5 }, { key: "loss", value: 1e309 }] }) { id } }`;
      await expectRejected(t, query, { m: modelId }, { code: 'BAD_USER_INPUT', field: 'input.metrics.1.value' });
    });

    it('the variable form stays BAD_USER_INPUT', async () => {
      const query = 'mutation($r: ID!, $m: [MetricInput!]!) { logRunMetrics(runId: $r, metrics: $m) { id } }';
      await expectRejected(t, query, { r: runId, m: [{ key: 'loss', value: Infinity }] }, { code: 'BAD_USER_INPUT', field: 'metrics.0.value' }, runState());
    });

    it('the largest finite double is stored and read back', async () => {
      const d = await t.ok('mutation($r: ID!) { logRunMetrics(runId: $r, metrics: [{ key: "big", value: 1.7976931348623157e308 }]) { metrics { key value } } }', { r: runId });
      expect(d.logRunMetrics.metrics).toContainEqual({ key: 'big', value: Number.MAX_VALUE });
    });

    it.each([
      ['a literal', (e: string) => ({ query: `mutation { startRun(input: { experimentId: "${e}", params: { lr: 0.1, big: 1e309 } }) { id } }`, variables: {} })],
      ['a literal in a list', (e: string) => ({ query: `mutation { startRun(input: { experimentId: "${e}", params: { xs: [1, -1e309] } }) { id } }`, variables: {} })],
      ['a variable', (e: string) => ({ query: START, variables: { i: { experimentId: e, params: { big: Infinity } } } })],
      ['a variable (NaN)', (e: string) => ({ query: START, variables: { i: { experimentId: e, params: { x: { y: NaN } } } } })],
    ])('inside JSON, as %s → BAD_USER_INPUT on input.params (not stored as null)', async (_how, make) => {
      const { query, variables } = make(experimentId);
      const error = await expectRejected(t, query, variables, { code: 'BAD_USER_INPUT', field: 'input.params' }, { query: EXP_RUNS, variables: { id: experimentId } });
      expect(error.message).toMatch(/finite/);
    });
  });

  describe('JSON depth: at most 20 levels, the same on every engine', () => {
    it('20 levels are accepted and read back exactly', async () => {
      const d = await t.ok(START, { i: { experimentId, params: nest(20) } });
      expect(d.startRun.params).toEqual(nest(20));
      const v = await t.ok(VERSION, { i: { modelId, artifactUri: 's3://m/a', hyperparameters: nest(19, [1]), signature: nest(20, 'x') } });
      expect(v.createModelVersion).toMatchObject({ hyperparameters: nest(19, [1]), signature: nest(20, 'x') });
    });

    it.each([21, 32, 100, 100_000])('%d levels (variable) → BAD_USER_INPUT on input.params, nothing written', async (levels) => {
      const error = await expectRejected(t, START, { i: { experimentId, params: nest(levels) } }, { code: 'BAD_USER_INPUT', field: 'input.params' },
        { query: EXP_RUNS, variables: { id: experimentId } });
      expect(error.message).toMatch(/20 levels/);
    });

    it('arrays count as levels too (hyperparameters of 21 nested lists)', async () => {
      let value: unknown = 1;
      for (let i = 0; i < 20; i++) value = [value];
      await expectRejected(t, VERSION, { i: { modelId, artifactUri: 's3://m/a', hyperparameters: { a: value } } }, { code: 'BAD_USER_INPUT', field: 'input.hyperparameters' });
    });

    it('21 levels written inline → BAD_USER_INPUT on input.params', async () => {
      await expectRejected(t, `mutation { startRun(input: { experimentId: "${experimentId}", params: ${nestLiteral(21)} }) { id } }`, {},
        { code: 'BAD_USER_INPUT', field: 'input.params' });
    });

    it('createDatasetVersion schema: 40 levels → BAD_USER_INPUT on input.schema', async () => {
      const datasetId = (await seed(t).dataset()).id;
      const query = 'mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id } }';
      await expectRejected(t, query, { i: { datasetId, uri: 's3://d/p', digest: `sha256:${'a'.repeat(64)}`, schema: nest(40) } },
        { code: 'BAD_USER_INPUT', field: 'input.schema' });
    });
  });

  describe('strings must be well-formed Unicode', () => {
    it.each([
      ['a lone high surrogate in a name', { name: 'a\ud800b' }, 'input.name'],
      ['a lone low surrogate at the end of a name', { name: 'model\udc00' }, 'input.name'],
      ['a reversed surrogate pair in a name', { name: '\ude00\ud83d' }, 'input.name'],
      ['a lone surrogate in a description', { name: 'fine', description: 'x\ud800' }, 'input.description'],
      ['a lone surrogate in a tag key', { name: 'fine2', tags: [{ key: 'ok', value: 'v' }, { key: '\ud800', value: 'v' }] }, 'input.tags.1.key'],
      ['a lone surrogate in a tag value', { name: 'fine3', tags: [{ key: 'k', value: 'v\udfff' }] }, 'input.tags.0.value'],
      ['a lone surrogate in an idempotency key', { name: 'fine4', idempotencyKey: 'k\ud800' }, 'input.idempotencyKey'],
    ])('%s → BAD_USER_INPUT', async (_label, input, field) => {
      const error = await expectRejected(t, EXPERIMENT, { i: input }, { code: 'BAD_USER_INPUT', field });
      expect(error.message).toMatch(/Unicode/);
    });

    it.each([
      ['a string value', { note: 'x\ud800' }],
      ['an object key', { ['k\udbff']: 1 }],
      ['a string deep inside', { a: [{ b: ['ok', '\udc00'] }] }],
    ])('inside JSON: %s → BAD_USER_INPUT on input.params', async (_label, params) => {
      await expectRejected(t, START, { i: { experimentId, params } }, { code: 'BAD_USER_INPUT', field: 'input.params' },
        { query: EXP_RUNS, variables: { id: experimentId } });
    });

    it('in a lookup argument → BAD_USER_INPUT on name (not a lookup of a mangled name)', async () => {
      const r = await t.gql('query($n: String) { model(name: $n) { id } }', { n: 'x\ud800' });
      expect(r.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'name' }]);
    });

    it('a name of 200 emoji is 200 characters: accepted, round-trips, found by name; 201 is not', async () => {
      const name = chars(199, '😀') + '🚀';
      const d = await t.ok(EXPERIMENT, { i: { name, tags: [{ key: chars(100, '🔑'), value: chars(1000, '𝔳') }] } });
      expect(d.createExperiment).toMatchObject({ name, tags: [{ key: chars(100, '🔑'), value: chars(1000, '𝔳') }] });
      expect((await t.ok('query($n: String) { experiment(name: $n) { id } }', { n: name })).experiment).toEqual({ id: d.createExperiment.id });
      await expectRejected(t, EXPERIMENT, { i: { name: chars(201, '😀') } }, { code: 'BAD_USER_INPUT', field: 'input.name' });
      await expectRejected(t, EXPERIMENT, { i: { name: 'e', tags: [{ key: chars(101, '🔑'), value: 'v' }] } }, { code: 'BAD_USER_INPUT', field: 'input.tags.0.key' });
    });

    it('well-formed astral characters and surrogate pairs are stored exactly', async () => {
      const name = 'a😀b\u{10FFFF}c𝄞';
      const d = await t.ok(EXPERIMENT, { i: { name, description: '🚀'.repeat(10) } });
      expect(d.createExperiment).toMatchObject({ name, description: '🚀'.repeat(10) });
    });
  });
});
