import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { expectRejected } from './helpers';

/** A run ends at or after it started: finishRun with an earlier endedAt is BAD_USER_INPUT, and the run stays RUNNING. */
const FINISH = 'mutation($r: ID!, $e: DateTime) { finishRun(runId: $r, status: FINISHED, endedAt: $e) { status startedAt endedAt } }';
const STATE = (id: string) => ({ query: 'query($id: ID!) { run(id: $id) { status endedAt updatedAt } }', variables: { id } });

describe('finishRun endedAt', () => {
  let t: TestApp;
  let experimentId: string;
  beforeAll(async () => {
    t = await TestApp.start();
    experimentId = (await seed(t).experiment()).id;
  });
  afterAll(() => t.stop());

  const runStartedAt = async (startedAt: string) => (await seed(t).run(experimentId, { startedAt })).id;

  it.each([
    ['a year before startedAt', '2025-06-01T12:00:00.000Z'],
    ['one millisecond before startedAt', '2026-06-01T11:59:59.999Z'],
    ['the epoch, before startedAt', '1970-01-01T00:00:00.000Z'],
  ])('endedAt %s → BAD_USER_INPUT on endedAt, run still RUNNING', async (_label, endedAt) => {
    const id = await runStartedAt('2026-06-01T12:00:00.000Z');
    const error = await expectRejected(t, FINISH, { r: id, e: endedAt }, { code: 'BAD_USER_INPUT', field: 'endedAt' }, STATE(id));
    expect(error.message).toContain('2026-06-01T12:00:00.000Z');
    expect((await t.ok(STATE(id).query, { id })).run).toMatchObject({ status: 'RUNNING', endedAt: null });
  });

  it('the same instant as startedAt, and later, are accepted and stored', async () => {
    const same = await runStartedAt('2026-06-01T12:00:00.000Z');
    expect((await t.ok(FINISH, { r: same, e: '2026-06-01T12:00:00.000Z' })).finishRun)
      .toEqual({ status: 'FINISHED', startedAt: '2026-06-01T12:00:00.000Z', endedAt: '2026-06-01T12:00:00.000Z' });
    const later = await runStartedAt('2026-06-01T12:00:00.000Z');
    expect((await t.ok(FINISH, { r: later, e: '2026-06-01T12:00:00.001Z' })).finishRun.endedAt).toBe('2026-06-01T12:00:00.001Z');
  });

  it('a run started in the future cannot end "now" by default: BAD_USER_INPUT on endedAt', async () => {
    const id = await runStartedAt('9999-01-01T00:00:00.000Z');
    const error = await expectRejected(t, FINISH, { r: id }, { code: 'BAD_USER_INPUT', field: 'endedAt' }, STATE(id));
    expect(error.message).toMatch(/defaults to now/);
  });
});
