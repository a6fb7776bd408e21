import { TestApp, type TestToken } from '../support/app';
import { seed } from '../support/seed';

const MOVE = 'mutation($v: ID!, $s: Stage!) { transitionStage(versionId: $v, stage: $s) { id stage } }';
const GRANT = 'mutation($m: ID!, $s: String!, $r: Role!) { grantModelRole(modelId: $m, subject: $s, role: $r) { modelId subject role grantedBy } }';
const UNGRANT = 'mutation($m: ID!, $s: String!) { revokeModelRole(modelId: $m, subject: $s) }';
const GRANTS = 'query($m: ID!) { model(id: $m) { grants { subject role grantedBy } } }';
const POLICY = 'mutation($m: ID!, $n: Int!) { setModelPolicy(modelId: $m, input: { requiredApprovals: $n, protectedAliases: [] }) { id } }';
const REQUEST = 'mutation($v: ID!) { requestStageTransition(versionId: $v, stage: PRODUCTION) { id status requestedBy } }';
const APPROVE = 'mutation($id: ID!) { approveTransitionRequest(id: $id) { status approvals reviews { actor } } }';

describe('per-model grants', () => {
  let t: TestApp;
  let editor: TestToken;
  let a: { id: string; name: string };
  let b: { id: string; name: string };
  beforeAll(async () => {
    t = await TestApp.start({}, { auth: { adminToken: 'grants-admin-token-0001' } });
    editor = await t.mint('EDITOR');
    [a, b] = [await seed(t, t.admin).model(), await seed(t, t.admin).model()];
  });
  afterAll(() => t.stop());

  it('an EDITOR with an APPROVER grant on model A may transitionStage on A\'s versions, and gets FORBIDDEN on model B', async () => {
    const [va, vb] = [await seed(t, editor.headers).version(a.id), await seed(t, editor.headers).version(b.id)];
    const before = await t.fails(MOVE, { v: va.id, s: 'STAGING' }, editor.headers);
    expect(before).toMatchObject({ code: 'FORBIDDEN', message: 'transitionStage needs the APPROVER role (globally or on the model); you have EDITOR' });
    const granted = (await t.ok(GRANT, { m: a.id, s: editor.subject, r: 'APPROVER' }, t.admin)).grantModelRole;
    expect(granted).toEqual({ modelId: a.id, subject: editor.subject, role: 'APPROVER', grantedBy: 'token:admin' });
    expect((await t.ok(MOVE, { v: va.id, s: 'STAGING' }, editor.headers)).transitionStage).toEqual({ id: va.id, stage: 'STAGING' });
    expect((await t.fails(MOVE, { v: vb.id, s: 'STAGING' }, editor.headers)).code).toBe('FORBIDDEN');
    expect((await t.ok('query($v: ID!) { modelVersion(id: $v) { stage } }', { v: vb.id }, editor.headers)).modelVersion.stage).toBe('NONE');
    // Model-scoped through every kind of reference: modelId, a version's id (setTags), a deployment id.
    expect((await t.ok('mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) { id } }', { m: a.id, v: va.id }, editor.headers)).setAlias.id).toBe(a.id);
    const dep = await seed(t, editor.headers).deployment(a.id);
    expect((await t.ok('mutation($d: ID!) { retireDeployment(deploymentId: $d) { status } }', { d: dep.id }, editor.headers)).retireDeployment.status).toBe('RETIRED');
    // ADMIN fields never follow a grant.
    expect((await t.fails(POLICY, { m: a.id, n: 1 }, editor.headers)).code).toBe('FORBIDDEN');
  });

  it('a grant authorizes archiving and restoring its model only', async () => {
    const approver = await t.mint('EDITOR');
    const [c, d] = [await seed(t, t.admin).model(), await seed(t, t.admin).model()];
    await t.ok(GRANT, { m: c.id, s: approver.subject, r: 'APPROVER' }, t.admin);
    const ARCHIVE = 'mutation($id: ID!) { archiveModel(id: $id) { id archived } }';
    expect((await t.ok(ARCHIVE, { id: c.id }, approver.headers)).archiveModel).toEqual({ id: c.id, archived: true });
    expect((await t.ok('mutation($id: ID!) { restoreModel(id: $id) { archived } }', { id: c.id }, approver.headers)).restoreModel.archived).toBe(false);
    expect(await t.fails(ARCHIVE, { id: d.id }, approver.headers)).toMatchObject({ code: 'FORBIDDEN', message: 'archiveModel needs the APPROVER role (globally or on the model); you have EDITOR' });
    expect((await t.ok('query($id: ID!) { model(id: $id) { archived } }', { id: d.id }, t.admin)).model.archived).toBe(false);
  });

  it('lists grants on Model.grants in one batched read, replaces a grant, and revokes it', async () => {
    const viewer = await t.mint('VIEWER');
    await t.ok(GRANT, { m: b.id, s: viewer.subject, r: 'EDITOR' }, t.admin);
    await t.ok(GRANT, { m: b.id, s: 'jwt:ada@example.test', r: 'VIEWER' }, t.admin);
    expect((await t.ok(GRANT, { m: b.id, s: 'jwt:ada@example.test', r: 'APPROVER' }, t.admin)).grantModelRole.role).toBe('APPROVER');
    const grants = (await t.ok(GRANTS, { m: b.id }, viewer.headers)).model.grants as { subject: string; role: string }[];
    expect(grants).toEqual([
      { subject: 'jwt:ada@example.test', role: 'APPROVER', grantedBy: 'token:admin' },
      { subject: viewer.subject, role: 'EDITOR', grantedBy: 'token:admin' },
    ].sort((x, y) => (x.subject < y.subject ? -1 : 1)));
    const { statements, result } = await t.statements('{ models(first: 50) { nodes { id grants { subject } } } }', {}, viewer.headers);
    expect(result.errors).toBeUndefined();
    // The token read, the page, and one query for the grants of every model on it.
    expect(statements.filter((s) => /model_grant/.test(s))).toHaveLength(1);
    expect(statements).toHaveLength(3);
    // The grant lets the VIEWER register versions of B only.
    expect((await seed(t, viewer.headers).version(b.id)).sequence).toBe(2);
    expect((await t.fails('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }', { i: { modelName: a.name, artifactUri: 's3://x/y' } }, viewer.headers)).code).toBe('FORBIDDEN');
    expect((await t.ok('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { sequence } }', { i: { modelName: b.name, artifactUri: 's3://x/y' } }, viewer.headers)).createModelVersion.sequence).toBe(3);
    expect((await t.ok(UNGRANT, { m: b.id, s: viewer.subject }, t.admin)).revokeModelRole).toBe(true);
    expect((await t.ok(UNGRANT, { m: b.id, s: viewer.subject }, t.admin)).revokeModelRole).toBe(false);
    expect((await t.fails('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }', { i: { modelId: b.id, artifactUri: 's3://x/y' } }, viewer.headers)).code).toBe('FORBIDDEN');
  });

  it('refuses ADMIN grants, unknown models and empty subjects', async () => {
    expect(await t.fails(GRANT, { m: a.id, s: editor.subject, r: 'ADMIN' }, t.admin)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
    expect(await t.fails(GRANT, { m: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz', s: editor.subject, r: 'EDITOR' }, t.admin)).toMatchObject({ code: 'NOT_FOUND', field: 'modelId' });
    expect(await t.fails(GRANT, { m: a.id, s: '', r: 'EDITOR' }, t.admin)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'subject' });
    expect((await t.fails(GRANT, { m: a.id, s: editor.subject, r: 'APPROVER' }, editor.headers)).code).toBe('FORBIDDEN');
  });
});

describe('approvals by subject', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({}, { auth: { adminToken: 'approvals-admin-token-01' } });
  });
  afterAll(() => t.stop());

  it('the requester cannot approve (same token), two other APPROVER tokens apply it, a VIEWER or EDITOR approving is FORBIDDEN', async () => {
    const [requester, first, second, viewer, editor] = [
      await t.mint('APPROVER', 'A'), await t.mint('APPROVER', 'B'), await t.mint('APPROVER', 'C'), await t.mint('VIEWER'), await t.mint('EDITOR'),
    ];
    const model = await seed(t, t.admin).model();
    const version = await seed(t, t.admin).version(model.id);
    await t.ok(POLICY, { m: model.id, n: 2 }, t.admin);
    const request = (await t.ok(REQUEST, { v: version.id }, requester.headers)).requestStageTransition;
    expect(request).toMatchObject({ status: 'PENDING', requestedBy: requester.subject });
    expect(await t.fails(APPROVE, { id: request.id }, requester.headers)).toMatchObject({ code: 'FORBIDDEN', message: 'The requester cannot approve their own request' });
    expect(await t.fails(APPROVE, { id: request.id }, viewer.headers)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('needs the APPROVER role') });
    expect((await t.fails(APPROVE, { id: request.id }, editor.headers)).code).toBe('FORBIDDEN');
    expect((await t.ok(APPROVE, { id: request.id }, first.headers)).approveTransitionRequest).toMatchObject({ status: 'PENDING', approvals: 1 });
    const applied = (await t.ok(APPROVE, { id: request.id }, second.headers)).approveTransitionRequest;
    expect(applied).toEqual({ status: 'APPLIED', approvals: 2, reviews: [{ actor: first.subject }, { actor: second.subject }] });
    expect((await t.ok('query($v: ID!) { modelVersion(id: $v) { stage } }', { v: version.id }, viewer.headers)).modelVersion.stage).toBe('PRODUCTION');
  });
});
