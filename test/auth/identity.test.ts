import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits } from '../../src/config';
import { ApiToken } from '../../src/auth/api-token.entity';
import { Role } from '../../src/auth/role';
import { bearer, TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { seed } from '../support/seed';

const VIEWER = '{ viewer { subject role } }';
const CREATE = 'mutation($n: String!, $r: Role!, $e: DateTime) { createApiToken(name: $n, role: $r, expiresAt: $e) { token apiToken { id name role createdBy expiresAt lastUsedAt revokedAt } } }';
const REVOKE = 'mutation($id: ID!) { revokeApiToken(id: $id) }';
const LIST = 'query($r: Boolean!) { apiTokens(includeRevoked: $r) { totalCount nodes { id name revokedAt } } }';
const ADMIN_TOKEN = 'admin-secret-0123456789';
const WRITE = /^\s*(INSERT|UPDATE|DELETE)\b/i;

describe('open local mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('makes every caller ADMIN with subject local (X-Actor a display hint), ignoring bearer tokens, with no extra statement', async () => {
    expect(t.app.auth.open).toBe(true);
    expect((await t.ok(VIEWER)).viewer).toEqual({ subject: 'local', role: 'ADMIN' });
    expect((await t.ok(VIEWER, {}, { 'x-actor': 'alice' })).viewer).toEqual({ subject: 'local:alice', role: 'ADMIN' });
    expect((await t.ok(VIEWER, {}, bearer('mgt_nonsense'))).viewer).toEqual({ subject: 'local', role: 'ADMIN' });
    const { statements } = await t.statements(VIEWER, {}, { 'x-actor': 'alice' });
    expect(statements).toEqual([]);
  });

  it('switches to enforced mode at once when the first token is created', async () => {
    const editor = await t.mint('EDITOR');
    expect(t.app.auth.open).toBe(false);
    const refused = await t.fails(VIEWER, {}, { 'x-actor': 'alice' });
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Authentication required: credentials are missing' });
    expect(await t.status(VIEWER)).toBe(401);
    expect((await t.ok(VIEWER, {}, { ...editor.headers, 'x-actor': 'alice' })).viewer).toEqual({ subject: editor.subject, role: 'EDITOR' });
  });

  it('another process on the same database learns it on its next re-check (every few seconds, outside requests)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgraph-auth-'));
    const database = t.engine === 'sqlite' ? { url: `sqlite:${join(dir, 'shared.db')}`, drop: async () => undefined } : await createTestDatabase({ fromTemplate: true });
    const start = () => RegistryApp.create({ databaseUrl: database.url, limits: defaultQueryLimits(), log: t.app.log });
    const [one, two] = [await start(), await start()];
    try {
      expect([one.auth.open, two.auth.open]).toEqual([true, true]);
      await one.services.tokens.create({ name: 'first', role: Role.VIEWER }, { actor: 'local' });
      expect([one.auth.open, two.auth.open]).toEqual([false, true]);
      await two.auth.recheck();
      expect(two.auth.open).toBe(false);
      // Revoking every token does not reopen a running process.
      const [token] = (await one.services.tokens.list({ first: 1 }, false)).items;
      await one.services.tokens.revoke(token.id, { actor: 'local' });
      await two.auth.recheck();
      expect(two.auth.open).toBe(false);
    } finally {
      await one.stop();
      await two.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('enforced mode: API tokens and the admin token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({}, { auth: { adminToken: ADMIN_TOKEN } });
  });
  afterAll(() => t.stop());

  it('refuses missing, malformed and unknown credentials with UNAUTHENTICATED (401), reads included; X-Actor grants nothing', async () => {
    expect(t.app.auth.open).toBe(false);
    const missing = await t.fails('{ models { totalCount } }', {}, { 'x-actor': 'alice' });
    expect(missing).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Authentication required: credentials are missing' });
    for (const authorization of ['Basic YWxpY2U6cHc=', 'Bearer', 'Bearer mgt_unknown-token', `Bearer ${ADMIN_TOKEN}x`, 'Bearer a.b.c']) {
      const invalid = await t.fails(VIEWER, {}, { authorization });
      expect(invalid).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Authentication required: credentials are invalid or expired' });
      expect(await t.status(VIEWER, {}, { authorization })).toBe(401);
    }
    expect((await t.fails('mutation { registerModel(input: { name: "nope" }) { id } }')).code).toBe('UNAUTHENTICATED');
    expect((await t.ok('{ models(filter: { nameContains: "nope" }) { totalCount } }', {}, t.admin)).models.totalCount).toBe(0);
  });

  it('accepts the admin token as ADMIN with subject token:admin (scheme in any case)', async () => {
    expect((await t.ok(VIEWER, {}, t.admin)).viewer).toEqual({ subject: 'token:admin', role: 'ADMIN' });
    expect((await t.ok(VIEWER, {}, { authorization: `bearer  ${ADMIN_TOKEN}` })).viewer).toEqual({ subject: 'token:admin', role: 'ADMIN' });
  });

  it('creates a token shown once (256 random bits), stores only its SHA-256, and identifies its caller by token id', async () => {
    const created = (await t.ok(CREATE, { n: 'ci', r: 'EDITOR' }, t.admin)).createApiToken;
    expect(created.token).toMatch(/^mgt_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({ id: expect.stringMatching(/^tok_[0-9a-z]{26}$/), name: 'ci', role: 'EDITOR', createdBy: 'token:admin', expiresAt: null, lastUsedAt: null, revokedAt: null });
    const row = await t.app.db.manager.findOneByOrFail(ApiToken, { id: created.apiToken.id });
    expect(row.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(4));
    expect((await t.ok(VIEWER, {}, bearer(created.token))).viewer).toEqual({ subject: `token:${created.apiToken.id}`, role: 'EDITOR' });
    const model = await seed(t, t.admin).model();
    const version = await seed(t, bearer(created.token)).version(model.id);
    expect((await t.ok('query($id: ID!) { modelVersion(id: $id) { createdBy } }', { id: version.id }, t.admin)).modelVersion.createdBy).toBe(`token:${created.apiToken.id}`);
    // Names need not be unique.
    expect((await t.ok(CREATE, { n: 'ci', r: 'VIEWER' }, t.admin)).createApiToken.apiToken.name).toBe('ci');
  });

  it('writes last_used_at at most once a minute, and one read per request otherwise', async () => {
    const viewer = await t.mint('VIEWER');
    const first = await t.statements(VIEWER, {}, viewer.headers);
    expect(first.statements.filter((s) => WRITE.test(s))).toHaveLength(1);
    const used = await t.app.db.manager.findOneByOrFail(ApiToken, { id: viewer.id });
    expect(used.lastUsedAt).not.toBeNull();
    const again = await t.statements(VIEWER, {}, viewer.headers);
    expect(again.statements).toHaveLength(1);
    expect(again.statements[0]).toMatch(/^SELECT .*api_token/is);
    await t.app.db.transaction((em) => em.update(ApiToken, { id: viewer.id }, { lastUsedAt: new Date(Date.now() - 2 * 60_000) }));
    const later = await t.statements(VIEWER, {}, viewer.headers);
    expect(later.statements.filter((s) => WRITE.test(s))).toHaveLength(1);
    const touched = await t.app.db.manager.findOneByOrFail(ApiToken, { id: viewer.id });
    expect(touched.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
  });

  it('revokes: the token is refused at once, listed only with includeRevoked; again → false; unknown → NOT_FOUND', async () => {
    const doomed = await t.mint('APPROVER', 'doomed');
    expect((await t.ok(VIEWER, {}, doomed.headers)).viewer.role).toBe('APPROVER');
    expect((await t.ok(REVOKE, { id: doomed.id }, t.admin)).revokeApiToken).toBe(true);
    expect(await t.fails(VIEWER, {}, doomed.headers)).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Authentication required: credentials are invalid or expired' });
    expect((await t.ok(REVOKE, { id: doomed.id }, t.admin)).revokeApiToken).toBe(false);
    const live = (await t.ok(LIST, { r: false }, t.admin)).apiTokens.nodes as { id: string }[];
    const all = (await t.ok(LIST, { r: true }, t.admin)).apiTokens.nodes as { id: string; revokedAt: string | null }[];
    expect(live.map((n) => n.id)).not.toContain(doomed.id);
    expect(all.find((n) => n.id === doomed.id)?.revokedAt).toEqual(expect.any(String));
    expect(await t.fails(REVOKE, { id: 'tok_01jzzzzzzzzzzzzzzzzzzzzzzz' }, t.admin)).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(await t.fails(REVOKE, { id: 'nonsense' }, t.admin)).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    // A revoked-by-id list never carries secrets or hashes.
    expect(JSON.stringify(all)).not.toMatch(/mgt_|[0-9a-f]{64}/);
  });

  it('refuses an expired token; an expiry in the past is BAD_USER_INPUT', async () => {
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const created = (await t.ok(CREATE, { n: 'short', r: 'VIEWER', e: expiresAt }, t.admin)).createApiToken;
    expect(created.apiToken.expiresAt).toBe(expiresAt);
    expect((await t.ok(VIEWER, {}, bearer(created.token))).viewer.role).toBe('VIEWER');
    await t.app.db.transaction((em) => em.update(ApiToken, { id: created.apiToken.id }, { expiresAt: new Date(Date.now() - 1000) }));
    expect((await t.fails(VIEWER, {}, bearer(created.token))).code).toBe('UNAUTHENTICATED');
    expect(await t.fails(CREATE, { n: 'past', r: 'VIEWER', e: '2020-01-01T00:00:00.000Z' }, t.admin)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
    expect(await t.fails(CREATE, { n: '', r: 'VIEWER' }, t.admin)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('token management is ADMIN only', async () => {
    const approver = await t.mint('APPROVER');
    const forbidden = await t.fails(CREATE, { n: 'x', r: 'ADMIN' }, approver.headers);
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('needs the ADMIN role') });
    expect((await t.fails(LIST, { r: true }, approver.headers)).code).toBe('FORBIDDEN');
    expect((await t.fails(REVOKE, { id: approver.id }, approver.headers)).code).toBe('FORBIDDEN');
    const admin = await t.mint('ADMIN');
    expect((await t.ok(CREATE, { n: 'by admin token', r: 'VIEWER' }, admin.headers)).createApiToken.apiToken.createdBy).toBe(admin.subject);
  });

  it('scopes idempotency keys by subject', async () => {
    const [a, b] = [await t.mint('EDITOR', 'a'), await t.mint('EDITOR', 'b')];
    const q = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id name } }';
    const first = (await t.ok(q, { i: { name: 'idem-a', idempotencyKey: 'k1' } }, a.headers)).createExperiment;
    const other = (await t.ok(q, { i: { name: 'idem-b', idempotencyKey: 'k1' } }, b.headers)).createExperiment;
    expect(other.id).not.toBe(first.id);
    expect((await t.ok(q, { i: { name: 'idem-a', idempotencyKey: 'k1' } }, a.headers)).createExperiment.id).toBe(first.id);
    expect((await t.fails(q, { i: { name: 'idem-c', idempotencyKey: 'k1' } }, a.headers)).code).toBe('CONFLICT');
  });

  it('keeps _service open (routers fetch the SDL) and _entities behind identity', async () => {
    expect((await t.ok('{ _service { sdl } }'))._service.sdl).toContain('type Model');
    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Model { name } } }';
    const model = await seed(t, t.admin).model();
    expect((await t.fails(entities, { r: [{ __typename: 'Model', id: model.id }] })).code).toBe('UNAUTHENTICATED');
    const viewer = await t.mint('VIEWER');
    expect((await t.ok(entities, { r: [{ __typename: 'Model', id: model.id }] }, viewer.headers))._entities).toEqual([{ name: model.name }]);
  });
});
