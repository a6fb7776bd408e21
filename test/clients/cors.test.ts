import { runUntilExit, startServer, type RunningServer } from '../support/http';
import { SANDBOX_DOCUMENT } from '../../src/sandbox-document';

/** CORS on /graphql (CORS_ORIGINS) for Apollo Studio's Explorer and browser apps; the Sandbox landing page. */

const STUDIO = 'https://studio.apollographql.com';
const APP = 'http://localhost:3000';
const OTHER = 'https://elsewhere.example.com';

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
  });
}

function post(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', authorization: 'Bearer some-token' },
    body: JSON.stringify({ query: '{ models(first: 1) { totalCount } }' }),
  });
}

describe('CORS_ORIGINS lists the origins', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ CORS_ORIGINS: `${STUDIO}, ${APP}` });
  });
  afterAll(async () => {
    await s?.dispose();
  });

  it('answers a preflight from a listed origin with that origin, the asked headers and a max age', async () => {
    for (const origin of [STUDIO, APP]) {
      const res = await preflight(s.url, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
      expect(res.headers.get('access-control-max-age')).toBe('600');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toMatch(/Origin/);
    }
  });

  it('lets a listed origin read the answer', async () => {
    const res = await post(s.url, STUDIO);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(STUDIO);
    expect(await res.json()).toEqual({ data: { models: { totalCount: 0 } } });
  });

  it('gives any other origin no CORS headers, on the preflight and on the request', async () => {
    const pre = await preflight(s.url, OTHER);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    const res = await post(s.url, OTHER);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never adds CORS headers outside /graphql', async () => {
    const res = await fetch(`${s.url}/health`, { headers: { origin: STUDIO } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('opens the Sandbox landing page on the demo operation', async () => {
    const res = await fetch(`${s.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(JSON.stringify(SANDBOX_DOCUMENT).slice(1, 60));
  });
});

describe('CORS_ORIGINS defaults and forms', () => {
  it('allows only the Studio Explorer by default', async () => {
    const s = await startServer();
    try {
      expect((await preflight(s.url, STUDIO)).headers.get('access-control-allow-origin')).toBe(STUDIO);
      expect((await preflight(s.url, APP)).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await s.dispose();
    }
  });

  it('allows any origin with *, none with none', async () => {
    const any = await startServer({ CORS_ORIGINS: '*' });
    try {
      expect((await preflight(any.url, OTHER)).headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await any.dispose();
    }
    const none = await startServer({ CORS_ORIGINS: 'none' });
    try {
      expect((await preflight(none.url, STUDIO)).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await none.dispose();
    }
  });

  it('refuses an origin with a path or without a scheme: exit 1, one line naming CORS_ORIGINS', async () => {
    for (const bad of ['studio.apollographql.com', 'https://studio.apollographql.com/explorer']) {
      const run = await runUntilExit({ CORS_ORIGINS: bad, DATABASE_URL: 'sqlite::memory:', PORT: '0' });
      expect(run.code).toBe(1);
      expect(run.stderr.split('\n').filter((l) => l.includes('CORS_ORIGINS'))).toEqual([
        expect.stringContaining('CORS_ORIGINS: must be comma-separated origins such as https://studio.apollographql.com'),
      ]);
    }
  });
});
