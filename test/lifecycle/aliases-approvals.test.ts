import { TestApp } from '../support/app';
import { seed } from '../support/seed';

const SET = 'mutation($m: ID!, $a: String!, $v: ID!) { setAlias(modelId: $m, alias: $a, versionId: $v) { aliases { name version { id } } } }';
const DEL = 'mutation($m: ID!, $a: String!) { deleteAlias(modelId: $m, alias: $a) { aliases { name } } }';
const POLICY = 'mutation($m: ID!, $n: Int!, $p: [String!]!) { setModelPolicy(modelId: $m, input: { requiredApprovals: $n, protectedAliases: $p }) { policy { requiredApprovals protectedAliases } } }';
const REQUEST = 'mutation($v: ID!, $s: Stage!) { requestStageTransition(versionId: $v, stage: $s, comment: "ship it") { id status requiredApprovals approvals requestedBy } }';
const APPROVE = 'mutation($id: ID!) { approveTransitionRequest(id: $id, comment: "lgtm") { id status approvals decidedAt reviews { actor decision } } }';
const REJECT = 'mutation($id: ID!) { rejectTransitionRequest(id: $id, comment: "no") { id status } }';
const STAGE = 'query($v: ID!) { modelVersion(id: $v) { stage aliases } }';
const as = (actor: string) => ({ 'x-actor': actor });

describe('aliases', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('sets, moves and deletes aliases, keeping history and answering as of any instant', async () => {
    const m = await seed(t).model();
    const [v1, v2] = [await seed(t).version(m.id), await seed(t).version(m.id)];
    await t.ok(SET, { m: m.id, a: 'champion', v: v1.id });
    const firstAt = (await t.ok('query($m: ID!) { model(id: $m) { aliasHistory { nodes { at } } } }', { m: m.id })).model.aliasHistory.nodes[0].at;
    await new Promise((r) => setTimeout(r, 5));
    const moved = await t.ok(SET, { m: m.id, a: 'champion', v: v2.id });
    expect(moved.setAlias.aliases).toEqual([{ name: 'champion', version: { id: v2.id } }]);
    await t.ok(SET, { m: m.id, a: 'challenger', v: v1.id });
    expect((await t.ok(STAGE, { v: v1.id })).modelVersion.aliases).toEqual(['challenger']);
    expect((await t.ok(STAGE, { v: v2.id })).modelVersion.aliases).toEqual(['champion']);
    const past = await t.ok('query($m: ID!, $at: DateTime) { model(id: $m) { then: alias(name: "champion", asOf: $at) { id } now: alias(name: "champion") { id } } }', { m: m.id, at: firstAt });
    expect(past.model).toEqual({ then: { id: v1.id }, now: { id: v2.id } });
    expect((await t.ok(DEL, { m: m.id, a: 'challenger' })).deleteAlias.aliases).toEqual([{ name: 'champion' }]);
    const history = await t.ok('query($m: ID!) { model(id: $m) { aliasHistory(first: 10) { nodes { alias version { id } previousVersion { id } actor } } } }', { m: m.id });
    expect(history.model.aliasHistory.nodes).toEqual([
      { alias: 'challenger', version: null, previousVersion: { id: v1.id }, actor: 'local' },
      { alias: 'challenger', version: { id: v1.id }, previousVersion: null, actor: 'local' },
      { alias: 'champion', version: { id: v2.id }, previousVersion: { id: v1.id }, actor: 'local' },
      { alias: 'champion', version: { id: v1.id }, previousVersion: null, actor: 'local' },
    ]);
  });

  it('rejects bad alias names, versions of other models, and unknown aliases', async () => {
    const [m, other] = [await seed(t).model(), await seed(t).model()];
    const v = await seed(t).version(m.id);
    const foreign = await seed(t).version(other.id);
    for (const bad of ['', '1st', 'has space', 'latest', 'x'.repeat(101)]) {
      expect(await t.fails(SET, { m: m.id, a: bad, v: v.id })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'alias' });
    }
    expect(await t.fails(SET, { m: m.id, a: 'champion', v: foreign.id })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'versionId' });
    expect(await t.fails(SET, { m: m.id, a: 'champion', v: 'mv_01jzzzzzzzzzzzzzzzzzzzzzzz' })).toMatchObject({ code: 'NOT_FOUND', field: 'versionId' });
    expect(await t.fails(DEL, { m: m.id, a: 'nobody' })).toMatchObject({ code: 'NOT_FOUND', field: 'alias' });
    expect((await t.ok('query($m: ID!) { model(id: $m) { aliases { name } aliasHistory { totalCount } } }', { m: m.id })).model)
      .toEqual({ aliases: [], aliasHistory: { totalCount: 0 } });
  });
});

describe('approvals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('a policy makes PRODUCTION wait for N approvals by others, then applies atomically', async () => {
    const m = await seed(t).model();
    const [v1, v2] = [await seed(t).version(m.id), await seed(t).version(m.id)];
    await t.ok('mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { id } }', { v: v1.id });
    expect((await t.ok(POLICY, { m: m.id, n: 2, p: ['champion'] }, as('admin'))).setModelPolicy.policy).toEqual({ requiredApprovals: 2, protectedAliases: ['champion'] });

    const direct = await t.fails('mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { id } }', { v: v2.id }, as('admin'));
    expect(direct.code).toBe('PRECONDITION_FAILED');
    const request = (await t.ok(REQUEST, { v: v2.id, s: 'PRODUCTION' }, as('alice'))).requestStageTransition;
    expect(request).toMatchObject({ status: 'PENDING', requiredApprovals: 2, approvals: 0, requestedBy: 'local:alice' });
    expect((await t.fails(REQUEST, { v: v2.id, s: 'PRODUCTION' }, as('alice'))).code).toBe('CONFLICT');

    expect((await t.fails(APPROVE, { id: request.id }, as('alice'))).code).toBe('FORBIDDEN');
    expect((await t.ok(APPROVE, { id: request.id }, as('bob'))).approveTransitionRequest).toMatchObject({ status: 'PENDING', approvals: 1 });
    expect((await t.fails(APPROVE, { id: request.id }, as('bob'))).code).toBe('CONFLICT');
    expect((await t.ok(STAGE, { v: v2.id })).modelVersion.stage).toBe('NONE');

    const applied = (await t.ok(APPROVE, { id: request.id }, as('carol'))).approveTransitionRequest;
    expect(applied).toMatchObject({ status: 'APPLIED', approvals: 2, reviews: [{ actor: 'local:bob', decision: 'APPROVE' }, { actor: 'local:carol', decision: 'APPROVE' }] });
    expect(applied.decidedAt).toEqual(expect.any(String));
    expect((await t.ok(STAGE, { v: v2.id })).modelVersion.stage).toBe('PRODUCTION');
    expect((await t.ok(STAGE, { v: v1.id })).modelVersion.stage).toBe('ARCHIVED');
    const row = await t.ok('query($v: ID!) { modelVersion(id: $v) { transitions(first: 1) { nodes { actor toStage request { id requestedBy } } } } }', { v: v2.id });
    expect(row.modelVersion.transitions.nodes[0]).toEqual({ actor: 'local:carol', toStage: 'PRODUCTION', request: { id: request.id, requestedBy: 'local:alice' } });
    expect((await t.fails(APPROVE, { id: request.id }, as('dave'))).code).toBe('PRECONDITION_FAILED');
  });

  it('protected aliases move only through approved requests; rejection closes a request', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    await t.ok(POLICY, { m: m.id, n: 1, p: ['champion'] });
    expect((await t.fails(SET, { m: m.id, a: 'champion', v: v.id })).code).toBe('PRECONDITION_FAILED');
    await t.ok(SET, { m: m.id, a: 'challenger', v: v.id });
    const ask = 'mutation($v: ID!) { requestAliasChange(versionId: $v, alias: "champion") { id alias stage status } }';
    const rejected = (await t.ok(ask, { v: v.id }, as('alice'))).requestAliasChange;
    expect(rejected).toMatchObject({ alias: 'champion', stage: null, status: 'PENDING' });
    expect((await t.ok(REJECT, { id: rejected.id }, as('bob'))).rejectTransitionRequest.status).toBe('REJECTED');
    expect((await t.fails(APPROVE, { id: rejected.id }, as('carol'))).code).toBe('PRECONDITION_FAILED');
    const again = (await t.ok(ask, { v: v.id }, as('alice'))).requestAliasChange;
    expect((await t.ok(APPROVE, { id: again.id }, as('bob'))).approveTransitionRequest.status).toBe('APPLIED');
    expect((await t.ok(STAGE, { v: v.id })).modelVersion.aliases).toEqual(['challenger', 'champion']);
    const inbox = await t.ok('query($m: ID!) { model(id: $m) { transitionRequests(status: APPLIED) { nodes { id } } } transitionRequests(status: PENDING) { totalCount } }', { m: m.id });
    expect(inbox.model.transitionRequests.nodes).toEqual([{ id: again.id }]);
  });

  it('rejects bad policies and unknown requests', async () => {
    const m = await seed(t).model();
    expect(await t.fails(POLICY, { m: m.id, n: 11, p: [] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.requiredApprovals' });
    expect(await t.fails(POLICY, { m: m.id, n: -1, p: [] })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await t.fails(POLICY, { m: m.id, n: 1, p: ['ok', 'not ok'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.protectedAliases.1' });
    expect((await t.fails(APPROVE, { id: 'tr_01jzzzzzzzzzzzzzzzzzzzzzzz' })).code).toBe('NOT_FOUND');
    expect((await t.fails(REQUEST, { v: (await seed(t).version(m.id)).id, s: 'NONE' })).code).toBe('PRECONDITION_FAILED');
    // Nothing was stored: the model answers the default policy (updatedAt null).
    expect((await t.ok('query($m: ID!) { model(id: $m) { policy { requiredApprovals updatedAt } } }', { m: m.id })).model.policy)
      .toEqual({ requiredApprovals: 0, updatedAt: null });
  });

  // The request's row lock serializes its reviews on MySQL/MariaDB; on SQLite writes are serial anyway.
  it('8 concurrent approvals of a request needing 2: it applies once, later reviewers find it applied', async () => {
    const m = await seed(t).model();
    const [v1, v2] = [await seed(t).version(m.id), await seed(t).version(m.id)];
    await t.ok('mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { id } }', { v: v1.id });
    await t.ok(POLICY, { m: m.id, n: 2, p: [] });
    const request = (await t.ok(REQUEST, { v: v2.id, s: 'PRODUCTION' }, as('alice'))).requestStageTransition;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => t.gql(APPROVE, { id: request.id }, as(`reviewer-${i}`))));
    const outcomes = results.map((r) => (r.errors ? r.errors[0].extensions?.code : (r.data as { approveTransitionRequest: { status: string } }).approveTransitionRequest.status));
    expect([...outcomes].sort()).toEqual(['APPLIED', 'PENDING', ...Array(6).fill('PRECONDITION_FAILED')]);
    const after = await t.ok(`query($v: ID!, $w: ID!) { a: modelVersion(id: $v) { stage transitions { totalCount } }
      b: modelVersion(id: $w) { stage transitions { totalCount } } }`, { v: v2.id, w: v1.id });
    expect(after).toEqual({ a: { stage: 'PRODUCTION', transitions: { totalCount: 2 } }, b: { stage: 'ARCHIVED', transitions: { totalCount: 3 } } });
  });
});
