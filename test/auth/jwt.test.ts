import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { bearer, TestApp } from '../support/app';

const VIEWER = '{ viewer { subject role } }';
const ISSUER = 'https://sso.example.test';
const AUDIENCE = 'modelgraph';

/** Company SSO stand-in: a JWKS served on 127.0.0.1 by the test, and tokens signed with its key. */
describe('JWT / SSO bearer tokens', () => {
  let t: TestApp;
  let server: Server;
  let key: KeyLike;
  let stranger: KeyLike;
  const sign = (claims: JWTPayload, options: { key?: KeyLike; issuer?: string; audience?: string; expires?: string | number } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt()
      .setIssuer(options.issuer ?? ISSUER).setAudience(options.audience ?? AUDIENCE)
      .setExpirationTime(options.expires ?? '5m').sign(options.key ?? key);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    stranger = (await generateKeyPair('RS256')).privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    t = await TestApp.start({}, { auth: { jwt: { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER, audience: AUDIENCE, roleClaim: 'mg_role', subjectClaim: 'email' } } });
  });
  afterAll(async () => {
    await t?.stop();
    server?.close();
  });

  it('accepts a valid token: subject jwt:<subject claim>, role from the role claim in any case, VIEWER without one', async () => {
    expect(t.app.auth.open).toBe(false);
    const approver = await sign({ sub: 'u1', email: 'ada@example.test', mg_role: 'approver' });
    expect((await t.ok(VIEWER, {}, bearer(approver))).viewer).toEqual({ subject: 'jwt:ada@example.test', role: 'APPROVER' });
    const plain = await sign({ email: 'bob@example.test' });
    expect((await t.ok(VIEWER, {}, bearer(plain))).viewer).toEqual({ subject: 'jwt:bob@example.test', role: 'VIEWER' });
    expect((await t.fails('mutation { registerModel(input: { name: "by-viewer" }) { id } }', {}, bearer(plain))).code).toBe('FORBIDDEN');
    const editor = await sign({ email: 'eve@example.test', mg_role: 'EDITOR' });
    expect((await t.ok('mutation { registerModel(input: { name: "by-jwt" }) { name } }', {}, bearer(editor))).registerModel.name).toBe('by-jwt');
  });

  it.each([
    ['expired', () => sign({ email: 'a@example.test', mg_role: 'ADMIN' }, { expires: Math.floor(Date.now() / 1000) - 120 })],
    ['wrong issuer', () => sign({ email: 'a@example.test', mg_role: 'ADMIN' }, { issuer: 'https://evil.example.test' })],
    ['wrong audience', () => sign({ email: 'a@example.test', mg_role: 'ADMIN' }, { audience: 'someone-else' })],
    ['bad signature', () => sign({ email: 'a@example.test', mg_role: 'ADMIN' }, { key: stranger })],
    ['unknown role claim', () => sign({ email: 'a@example.test', mg_role: 'superuser' })],
    ['no subject claim', () => sign({ sub: 'u1', mg_role: 'ADMIN' })],
  ])('refuses a token with %s: UNAUTHENTICATED (401) without saying which check failed', async (_what, make) => {
    const token = await make();
    const error = await t.fails(VIEWER, {}, bearer(token));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Authentication required: credentials are invalid or expired' });
    expect(await t.status(VIEWER, {}, bearer(token))).toBe(401);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await sign({ email: 'v@example.test' })).split('.');
    const forged = Buffer.from(JSON.stringify({ email: 'v@example.test', mg_role: 'ADMIN', iss: ISSUER, aud: AUDIENCE, exp: 9999999999 })).toString('base64url');
    expect((await t.fails(VIEWER, {}, bearer(`${header}.${forged}.${signature}`))).code).toBe('UNAUTHENTICATED');
  });
});
