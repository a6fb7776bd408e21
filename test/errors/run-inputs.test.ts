import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import {
  chars, expectError, expectRejected, jsonOfBytes, MALFORMED_IDS, table, TAG_CASES, unknownId, type Case,
} from './helpers';

const START = 'mutation($i: StartRunInput!) { startRun(input: $i) { id status } }';
const LOG = 'mutation($r: ID!, $m: [MetricInput!]!) { logRunMetrics(runId: $r, metrics: $m) { id } }';
const FINISH = 'mutation($r: ID!, $s: RunStatus!) { finishRun(runId: $r, status: $s) { id status endedAt } }';
const RUN_STATE = 'query($id: ID!) { run(id: $id) { status endedAt updatedAt metrics { key value step } metricHistory(key: "loss") { totalCount nodes { value } } tail: metricHistory(key: "loss", last: 2) { nodes { value } } } }';
const EXP_RUNS = 'query($id: ID) { experiment(id: $id) { runs { totalCount } } }';

describe('startRun, logRunMetrics, finishRun and run(): bad inputs', () => {
  let t: TestApp;
  let experimentId: string;
  let datasetId: string;
  let dsvId: string;
  let modelId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    experimentId = (await s.experiment('runs-here')).id;
    datasetId = (await s.dataset()).id;
    dsvId = (await s.datasetVersion(datasetId)).id;
    modelId = (await s.model()).id;
  });
  afterAll(() => t.stop());

  const newRun = async (): Promise<string> => (await seed(t).run(experimentId, { name: 'r' })).id;

  describe('startRun', () => {
    const valid = () => ({ experimentId, name: 'run-1' });
    const cases: Case[] = [
      ['an empty name', { name: '' }, 'input.name'],
      ['a 201-character name', { name: chars(201) }, 'input.name'],
      ['params that are a list, not an object', { params: [1, 2] }, 'input.params'],
      ['params that are a string', { params: 'lr=0.1' }, 'input.params'],
      ['params that are a number', { params: 3 }, 'input.params'],
      ['params over 64 KB', { params: jsonOfBytes(64 * 1024 + 1) }, 'input.params'],
      ['params over 64 KB in bytes though not in characters', { params: { k: chars(33_000, 'é') } }, 'input.params'],
      ['a gitRepo that is not a URL', { gitRepo: 'github dot com' }, 'input.gitRepo'],
      ['a gitRepo of 2,049 characters', { gitRepo: `https://github.com/${chars(2049 - 19)}` }, 'input.gitRepo'],
      ['a 6-digit gitCommit', { gitCommit: 'abc123' }, 'input.gitCommit'],
      ['an uppercase gitCommit', { gitCommit: 'ABCDEF1' }, 'input.gitCommit'],
      ['a gitCommit with a non-hex digit', { gitCommit: 'abcdefz' }, 'input.gitCommit'],
      ['a 65-digit gitCommit', { gitCommit: chars(65, 'f') }, 'input.gitCommit'],
      ['1,001 input dataset versions', { inputDatasetVersionIds: Array.from({ length: 1001 }, (_, i) => `dsv_${i}`) }, 'input.inputDatasetVersionIds'],
      ['the same input dataset version twice', { inputDatasetVersionIds: ['dsv_a', 'dsv_b', 'dsv_a'] }, 'input.inputDatasetVersionIds.2'],
      ['an empty idempotencyKey', { idempotencyKey: '' }, 'input.idempotencyKey'],
      ['a 201-character idempotencyKey', { idempotencyKey: chars(201) }, 'input.idempotencyKey'],
      ...TAG_CASES,
    ];
    it.each(table(cases))('$label → BAD_USER_INPUT on $field, nothing written', async ({ patch, field }) => {
      await expectRejected(t, START, { i: { ...valid(), ...patch } }, { code: 'BAD_USER_INPUT', field }, { query: EXP_RUNS, variables: { id: experimentId } });
    });

    it('params of exactly 64 KB, an scp-style gitRepo and a 40-digit commit are accepted', async () => {
      const d = await t.ok('mutation($i: StartRunInput!) { startRun(input: $i) { params gitRepo gitCommit } }', { i: {
        experimentId, params: jsonOfBytes(64 * 1024), gitRepo: 'git@github.com:acme/churn.git', gitCommit: chars(40, 'a'),
      } });
      expect(d.startRun).toEqual({ params: jsonOfBytes(64 * 1024), gitRepo: 'git@github.com:acme/churn.git', gitCommit: chars(40, 'a') });
    });

    it('experimentId malformed, unknown or of another type → NOT_FOUND on input.experimentId, nothing written', async () => {
      for (const id of [...MALFORMED_IDS, unknownId('exp'), modelId, datasetId, experimentId.toUpperCase()]) {
        await expectRejected(t, START, { i: { ...valid(), experimentId: id } }, { code: 'NOT_FOUND', field: 'input.experimentId' });
      }
    });

    it('an input dataset version that does not exist → NOT_FOUND naming its index, nothing written', async () => {
      const snapshotOf = { query: `query($e: ID, $d: ID!) { experiment(id: $e) { runs { totalCount } } datasetVersion(id: $d) { consumedBy { totalCount nodes { id } } } }`,
        variables: { e: experimentId, d: dsvId } };
      const cases: [string[], string][] = [
        [[unknownId('dsv')], 'input.inputDatasetVersionIds.0'],
        [[dsvId, 'xyz'], 'input.inputDatasetVersionIds.1'],
        [[dsvId, datasetId], 'input.inputDatasetVersionIds.1'],
        [[dsvId, experimentId, unknownId('dsv')], 'input.inputDatasetVersionIds.1'],
      ];
      for (const [ids, field] of cases) {
        await expectRejected(t, START, { i: { ...valid(), inputDatasetVersionIds: ids } }, { code: 'NOT_FOUND', field }, snapshotOf);
      }
    });
  });

  describe('logRunMetrics', () => {
    it('runId malformed, unknown or of another type → NOT_FOUND on runId, nothing written', async () => {
      for (const id of [...MALFORMED_IDS, unknownId('run'), experimentId, dsvId]) {
        await expectRejected(t, LOG, { r: id, m: [{ key: 'loss', value: 1 }] }, { code: 'NOT_FOUND', field: 'runId' });
      }
    });

    it.each(table([
      ['1,001 metrics', { m: Array.from({ length: 1001 }, (_, i) => ({ key: 'loss', value: i, step: i })) }, 'metrics'],
      ['an empty key', { m: [{ key: 'loss', value: 1 }, { key: 'acc', value: 1 }, { key: '', value: 1 }] }, 'metrics.2.key'],
      ['a 251-character key', { m: [{ key: chars(251), value: 1 }] }, 'metrics.0.key'],
      ['a negative step', { m: [{ key: 'loss', value: 1, step: 0 }, { key: 'loss', value: 1, step: -5 }] }, 'metrics.1.step'],
    ]))('$label → BAD_USER_INPUT on $field, nothing written', async ({ patch, field }) => {
      const runId = await newRun();
      await t.ok(LOG, { r: runId, m: [{ key: 'loss', value: 0.5, step: 1 }] });
      await expectRejected(t, LOG, { r: runId, ...patch }, { code: 'BAD_USER_INPUT', field }, { query: RUN_STATE, variables: { id: runId } });
      const d = await t.ok(RUN_STATE, { id: runId });
      expect(d.run.metricHistory).toEqual({ totalCount: 1, nodes: [{ value: 0.5 }] });
      expect(d.run.tail.nodes).toEqual([{ value: 0.5 }]);
    });

    it('exactly 1,000 metric points in one call are accepted', async () => {
      const runId = await newRun();
      await t.ok(LOG, { r: runId, m: Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: i, step: i })) });
      const d = await t.ok(RUN_STATE, { id: runId });
      expect(d.run.metricHistory.totalCount).toBe(1000);
      expect(d.run.metricHistory.nodes.map((n: { value: number }) => n.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(d.run.tail.nodes).toEqual([{ value: 998 }, { value: 999 }]);
      expect(d.run.metrics).toEqual([{ key: 'loss', value: 999, step: 999 }]);
    });
  });

  describe('finishRun', () => {
    it('status RUNNING → BAD_USER_INPUT on status; the run is still running', async () => {
      const runId = await newRun();
      await expectRejected(t, FINISH, { r: runId, s: 'RUNNING' }, { code: 'BAD_USER_INPUT', field: 'status' }, { query: RUN_STATE, variables: { id: runId } });
      expect((await t.ok(RUN_STATE, { id: runId })).run).toMatchObject({ status: 'RUNNING', endedAt: null });
    });

    it('runId malformed, unknown or of another type → NOT_FOUND on runId', async () => {
      for (const id of [...MALFORMED_IDS, unknownId('run'), experimentId]) {
        await expectRejected(t, FINISH, { r: id, s: 'FINISHED' }, { code: 'NOT_FOUND', field: 'runId' });
      }
    });

    it.each([['FINISHED', 'FINISHED'], ['FINISHED', 'FAILED'], ['FAILED', 'KILLED'], ['KILLED', 'FINISHED']])(
      'finishing a run that ended as %s again (as %s) → PRECONDITION_FAILED; status and endedAt unchanged', async (first, second) => {
        const runId = await newRun();
        const ended = await t.ok(FINISH, { r: runId, s: first });
        expect(ended.finishRun).toMatchObject({ status: first, endedAt: expect.any(String) });
        await expectRejected(t, FINISH, { r: runId, s: second }, { code: 'PRECONDITION_FAILED' }, { query: RUN_STATE, variables: { id: runId } });
        expect((await t.ok(RUN_STATE, { id: runId })).run).toMatchObject({ status: first, endedAt: ended.finishRun.endedAt });
      });

    it('an unknown status passed as a variable → BAD_USER_INPUT (not a masked internal error); the run is untouched', async () => {
      const runId = await newRun();
      const r = await t.gql(FINISH, { r: runId, s: 'DONE' });
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((await t.ok(RUN_STATE, { id: runId })).run).toMatchObject({ status: 'RUNNING', endedAt: null });
    });
  });

  describe('DateTime inputs at the edges of the calendar', () => {
    const EXTREMES = ['0001-01-01T00:00:00.000Z', '0099-12-31T23:59:59.000Z', '0999-12-31T23:59:59.999Z', '1000-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'];

    it.each(EXTREMES)('startedAt %s is stored exactly as given, or refused as BAD_USER_INPUT on input.startedAt — never changed', async (at) => {
      const r = await t.gql('mutation($i: StartRunInput!) { startRun(input: $i) { id startedAt } }', { i: { experimentId, startedAt: at } });
      if (r.errors) {
        expect(r.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.startedAt' });
        return;
      }
      const id = (r.data as { startRun: { id: string; startedAt: string } }).startRun.id;
      expect((r.data as { startRun: { startedAt: string } }).startRun.startedAt).toBe(at);
      expect((await t.ok('query($id: ID!) { run(id: $id) { startedAt } }', { id })).run.startedAt).toBe(at);
    });

    it.each(EXTREMES)('a metric timestamp %s is stored exactly as given, or refused as BAD_USER_INPUT — never changed', async (at) => {
      const runId = await newRun();
      const r = await t.gql(LOG, { r: runId, m: [{ key: 'loss', value: 1, timestamp: at }] });
      if (r.errors) {
        expect(r.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metrics.0.timestamp' });
        return;
      }
      const d = await t.ok('query($id: ID!) { run(id: $id) { metrics { timestamp } } }', { id: runId });
      expect(d.run.metrics).toEqual([{ timestamp: at }]);
    });
  });

  describe('run(id:)', () => {
    it('a malformed id, an unknown id, or an id of another type → null, no error', async () => {
      const runId = await newRun();
      for (const id of [...MALFORMED_IDS, unknownId('run'), experimentId, dsvId, runId.toUpperCase(), `${runId} `]) {
        const r = await t.gql('query($id: ID!) { run(id: $id) { id } }', { id });
        expect({ id, errors: r.errors, data: r.data }).toEqual({ id, errors: undefined, data: { run: null } });
      }
      expect((await t.ok('query($id: ID!) { run(id: $id) { id } }', { id: runId })).run).toEqual({ id: runId });
    });

    it('a missing id argument is a validation error, not a lookup', async () => {
      await expectError(t, '{ run { id } }', {}, { code: 'GRAPHQL_VALIDATION_FAILED' });
    });
  });
});
