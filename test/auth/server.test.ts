import { createServerDatabase, postGraphql, runUntilExit, startServer, type RunningServer, type ServerDatabase } from '../support/http';

/** The real process: open mode is refused off loopback or in production; enforced mode answers HTTP 401. */
describe('start-up modes of the server process', () => {
  let database: ServerDatabase;
  beforeAll(async () => {
    database = await createServerDatabase();
  });
  afterAll(() => database.drop());

  it.each([
    [{ HOST: '0.0.0.0' }, 'HOST=0.0.0.0 is not loopback'],
    [{ NODE_ENV: 'production' }, 'NODE_ENV=production'],
  ])('refuses to start in open local mode with %j: exit 1, one clear line', async (env, reason) => {
    const run = await runUntilExit({ DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'error', HOST: '127.0.0.1', ...env });
    expect(run.code).toBe(1);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([expect.stringContaining(`refusing to start in open local mode (every caller ADMIN) with ${reason}`)]);
  });

  it('warns loudly in open local mode on loopback', async () => {
    const s = await startServer({ LOG_LEVEL: 'warn' }, { database });
    try {
      expect(s.stdout()).toContain('OPEN LOCAL MODE');
      expect((await postGraphql(s.url, { query: '{ viewer { subject role } }' }, { 'x-actor': 'ada' })).json).toEqual({ data: { viewer: { subject: 'local:ada', role: 'ADMIN' } } });
    } finally {
      await s.stop();
    }
  });

  describe('with REGISTRY_ADMIN_TOKEN, on any host', () => {
    let s: RunningServer;
    const token = 'server-admin-token-0123456789';
    beforeAll(async () => {
      s = await startServer({ REGISTRY_ADMIN_TOKEN: token, HOST: '0.0.0.0', NODE_ENV: 'production' }, { database });
    });
    afterAll(() => s?.stop());

    it('answers 401 UNAUTHENTICATED with WWW-Authenticate: Bearer without credentials, and serves the admin', async () => {
      const refused = await postGraphql(s.url, { query: '{ models { totalCount } }' });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(refused.json?.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      const sdl = await postGraphql(s.url, { query: '{ _service { sdl } }' });
      expect(sdl.status).toBe(200);
      const ok = await postGraphql(s.url, { query: '{ viewer { subject role } }' }, { authorization: `Bearer ${token}` });
      expect(ok).toMatchObject({ status: 200, json: { data: { viewer: { subject: 'token:admin', role: 'ADMIN' } } } });
    });
  });
});
