import { TestApp } from '../support/app';
import { concurrently, expectEngineOverlap } from '../support/concurrency';
import { seed } from '../support/seed';

const MOVE = 'mutation($v: ID!, $s: Stage!, $c: String) { transitionStage(versionId: $v, stage: $s, comment: $c) { id stage } }';
const ROLLBACK = 'mutation($m: ID!, $s: Stage) { rollbackStage(modelId: $m, stage: $s, comment: "bad canary") { id version stage } }';
const STAGES = `query($m: ID!) { model(id: $m) { versions(first: 100) { nodes { version stage } } } }`;

describe('stages, promotion, rollback and time travel', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  const stagesOf = async (modelId: string): Promise<Record<string, string>> =>
    Object.fromEntries((await t.ok(STAGES, { m: modelId })).model.versions.nodes.map((n: { version: string; stage: string }) => [n.version, n.stage]));

  it('moves between any stages, refuses the same stage, and keeps PRODUCTION exclusive', async () => {
    const m = await seed(t).model();
    const [v1, v2] = [await seed(t).version(m.id), await seed(t).version(m.id)];
    await t.ok(MOVE, { v: v1.id, s: 'PRODUCTION' }, { 'x-actor': 'alice' });
    const same = await t.fails(MOVE, { v: v1.id, s: 'PRODUCTION' });
    expect(same.code).toBe('PRECONDITION_FAILED');
    await t.ok(MOVE, { v: v2.id, s: 'STAGING' });
    expect(await stagesOf(m.id)).toEqual({ 1: 'PRODUCTION', 2: 'STAGING' });
    await t.ok(MOVE, { v: v2.id, s: 'PRODUCTION', c: 'better auc' }, { 'x-actor': 'bob' });
    expect(await stagesOf(m.id)).toEqual({ 1: 'ARCHIVED', 2: 'PRODUCTION' });
    await t.ok(MOVE, { v: v1.id, s: 'NONE' });
    await t.ok(MOVE, { v: v1.id, s: 'STAGING' });

    const history = await t.ok(`query($m: ID!) { model(id: $m) { stageHistory(first: 20) { totalCount nodes {
      sequence version { version } fromStage toStage kind actor comment at } } } }`, { m: m.id });
    const rows = history.model.stageHistory.nodes;
    expect(history.model.stageHistory.totalCount).toBe(8);
    expect(rows.map((r: { sequence: number }) => r.sequence)).toEqual([...rows.map((r: { sequence: number }) => r.sequence)].sort((a, b) => b - a));
    expect(rows.slice(0, 5).map((r: Record<string, unknown>) => [(r.version as { version: string }).version, r.fromStage, r.toStage, r.kind]).reverse()).toEqual([
      ['2', 'NONE', 'STAGING', 'TRANSITION'],
      ['1', 'PRODUCTION', 'ARCHIVED', 'ARCHIVED_BY_PROMOTION'],
      ['2', 'STAGING', 'PRODUCTION', 'TRANSITION'],
      ['1', 'ARCHIVED', 'NONE', 'TRANSITION'],
      ['1', 'NONE', 'STAGING', 'TRANSITION'],
    ]);
    expect(rows[2]).toMatchObject({ actor: 'local:bob', comment: 'better auc' });
    const own = await t.ok('query($v: ID!) { modelVersion(id: $v) { transitions { nodes { kind toStage actor } } } }', { v: v1.id });
    expect(own.modelVersion.transitions.nodes.map((n: { toStage: string }) => n.toStage)).toEqual(['STAGING', 'NONE', 'ARCHIVED', 'PRODUCTION', 'NONE']);
    expect(own.modelVersion.transitions.nodes[3].actor).toBe('local:alice');
  });

  it('answers "what was in PRODUCTION at T" for instants between changes, inclusively', async () => {
    const m = await seed(t).model();
    const vs = [await seed(t).version(m.id), await seed(t).version(m.id), await seed(t).version(m.id)];
    const at: string[] = [];
    for (const v of vs) {
      await new Promise((r) => setTimeout(r, 5));
      await t.ok(MOVE, { v: v.id, s: 'PRODUCTION' });
      const rows = (await t.ok('query($v: ID!) { modelVersion(id: $v) { transitions(first: 1) { nodes { at } } } }', { v: v.id }));
      at.push(rows.modelVersion.transitions.nodes[0].at);
    }
    const inProd = async (asOf: string | null) =>
      (await t.ok('query($m: ID!, $a: DateTime) { model(id: $m) { versionInStage(stage: PRODUCTION, asOf: $a) { id } } }', { m: m.id, a: asOf })).model.versionInStage?.id ?? null;
    const before = new Date(Date.parse(at[0]) - 1).toISOString();
    expect(await inProd(before)).toBeNull();
    expect(await inProd(at[0])).toBe(vs[0].id);
    expect(await inProd(new Date(Date.parse(at[1]) - 1).toISOString())).toBe(vs[0].id);
    expect(await inProd(at[1])).toBe(vs[1].id);
    expect(await inProd(at[2])).toBe(vs[2].id);
    expect(await inProd(null)).toBe(vs[2].id);
    const archived = await t.ok('query($m: ID!) { model(id: $m) { versionInStage(stage: ARCHIVED) { id } } }', { m: m.id });
    expect(archived.model.versionInStage.id).toBe(vs[1].id);
  });

  it('rolls PRODUCTION back one step at a time, skipping versions rolled back away from', async () => {
    const m = await seed(t).model();
    const vs = [];
    for (let i = 0; i < 4; i++) vs.push(await seed(t).version(m.id));
    for (const v of vs.slice(0, 3)) await t.ok(MOVE, { v: v.id, s: 'PRODUCTION' });
    expect((await t.ok(ROLLBACK, { m: m.id })).rollbackStage).toMatchObject({ id: vs[1].id, stage: 'PRODUCTION' });
    expect(await stagesOf(m.id)).toEqual({ 1: 'ARCHIVED', 2: 'PRODUCTION', 3: 'ARCHIVED', 4: 'NONE' });
    expect((await t.ok(ROLLBACK, { m: m.id })).rollbackStage.id).toBe(vs[0].id);
    const none = await t.fails(ROLLBACK, { m: m.id });
    expect(none.code).toBe('PRECONDITION_FAILED');
    expect(await stagesOf(m.id)).toEqual({ 1: 'PRODUCTION', 2: 'ARCHIVED', 3: 'ARCHIVED', 4: 'NONE' });
    await t.ok(MOVE, { v: vs[3].id, s: 'PRODUCTION' });
    expect((await t.ok(ROLLBACK, { m: m.id })).rollbackStage.id).toBe(vs[0].id);
    const kinds = await t.ok('query($m: ID!) { model(id: $m) { stageHistory(first: 3) { nodes { kind toStage version { version } } } } }', { m: m.id });
    expect(kinds.model.stageHistory.nodes.map((n: { kind: string }) => n.kind)).toEqual(['ROLLBACK', 'ROLLBACK', 'TRANSITION']);
  });

  it('rejects rollback of other stages, unknown models and empty histories', async () => {
    const m = await seed(t).model();
    expect((await t.fails(ROLLBACK, { m: m.id, s: 'STAGING' })).code).toBe('BAD_USER_INPUT');
    expect((await t.fails(ROLLBACK, { m: m.id })).code).toBe('PRECONDITION_FAILED');
    expect((await t.fails(ROLLBACK, { m: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz' })).code).toBe('NOT_FOUND');
    expect((await t.fails(MOVE, { v: 'mv_01jzzzzzzzzzzzzzzzzzzzzzzz', s: 'STAGING' })).code).toBe('NOT_FOUND');
  });

  it('20 concurrent promotions of different versions: one PRODUCTION, every transition recorded once', async () => {
    const m = await seed(t).model();
    const vs: { id: string }[] = [];
    for (let i = 0; i < 20; i++) vs.push(await seed(t).version(m.id));
    // SQLite serializes the promotions; on MySQL/MariaDB they overlap and the model's row lock orders them:
    // either way exactly one version ends in PRODUCTION and each applied promotion is in the history once.
    const { results, maxOpen } = await concurrently(t, vs.length, (i) => t.gql(MOVE, { v: vs[i].id, s: 'PRODUCTION' }));
    expectEngineOverlap(t, maxOpen);
    const codes = results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code);
    expect(codes.every((c) => c === 'PRECONDITION_FAILED' || c === 'CONFLICT')).toBe(true);
    const stages = Object.values(await stagesOf(m.id));
    expect(stages.filter((s) => s === 'PRODUCTION')).toHaveLength(1);
    const history = await t.ok('query($m: ID!) { model(id: $m) { stageHistory(first: 100, stage: PRODUCTION) { nodes { kind toStage version { id } } } } }', { m: m.id });
    const promotions = history.model.stageHistory.nodes.filter((n: { toStage: string }) => n.toStage === 'PRODUCTION');
    const succeeded = results.filter((r) => !r.errors).length;
    expect(promotions).toHaveLength(succeeded);
    expect(new Set(promotions.map((n: { version: { id: string } }) => n.version.id)).size).toBe(succeeded);
    expect(history.model.stageHistory.nodes.filter((n: { kind: string }) => n.kind === 'ARCHIVED_BY_PROMOTION')).toHaveLength(succeeded - 1);
    process.stdout.write(`concurrent promotions (${t.engine}): ${succeeded} applied, errors: ${JSON.stringify(codes)}\n`);
  });
});
