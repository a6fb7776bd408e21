import { once } from 'node:events';
import { request, type ClientRequest, type Server } from 'node:http';
import { pino } from 'pino';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits, type HttpLimits } from '../../src/config';
import { isUnavailable } from '../../src/db/database';
import { createHttpServer } from '../../src/http';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Bounded time at the HTTP edge: a cap on requests in flight (a short queue, then 503 + Retry-After),
 * a total deadline per request (503, and its write never commits), and /ready's own deadline.
 */

let database: TestDatabase;
let app: RegistryApp;
beforeAll(async () => {
  database = await createTestDatabase({ fromTemplate: true });
  app = await RegistryApp.create({ databaseUrl: database.url, limits: defaultQueryLimits(), log: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

async function serve(options: Partial<HttpLimits>): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server: Server = createHttpServer(app, defaultQueryLimits(), options);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/** A POST /graphql whose body is still on its way: it holds its place until `finish` sends the rest. */
function heldRequest(port: number, query: string): { finish(): Promise<{ status: number; body: string }>; req: ClientRequest } {
  const body = JSON.stringify({ query });
  const req = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 5));
  return {
    req,
    finish: async () => {
      req.end(body.slice(5));
      return response;
    },
  };
}

const post = (url: string, query: string) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

describe('requests in flight', () => {
  it('runs 2, queues 1 briefly, and answers the rest 503 with Retry-After and a coded GraphQL error', async () => {
    const s = await serve({ MAX_CONCURRENT_REQUESTS: 2, MAX_QUEUED_REQUESTS: 1, QUEUE_TIMEOUT_MS: 5_000 });
    try {
      const held = [heldRequest(s.port, '{ __typename }'), heldRequest(s.port, '{ __typename }')];
      await new Promise((r) => setTimeout(r, 200)); // both admitted, waiting for their bodies
      const queued = post(s.url, '{ a: __typename }');
      await new Promise((r) => setTimeout(r, 100));
      const refused = await post(s.url, '{ __typename }');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ errors: [{ message: 'The server is busy; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      // /health and /ready are not counted: a load balancer still sees the process.
      expect((await fetch(`${s.url}/health`)).status).toBe(200);
      expect((await fetch(`${s.url}/ready`)).status).toBe(200);

      // One held request finishes: the queued one takes its place and is answered.
      expect(await held[0].finish()).toEqual({ status: 200, body: JSON.stringify({ data: { __typename: 'Query' } }) + '\n' });
      const admitted = await queued;
      expect(admitted.status).toBe(200);
      expect(await admitted.json()).toEqual({ data: { a: 'Query' } });
      expect((await held[1].finish()).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('a queued request waits at most QUEUE_TIMEOUT_MS, then gets 503', async () => {
    const s = await serve({ MAX_CONCURRENT_REQUESTS: 1, MAX_QUEUED_REQUESTS: 5, QUEUE_TIMEOUT_MS: 300 });
    try {
      const held = heldRequest(s.port, '{ __typename }');
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const res = await post(s.url, '{ __typename }');
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await held.finish()).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('deadlines', () => {
  /** Holds the database's write path (SQLite: the write lock; MariaDB: a row lock on the model) until released. */
  async function holdWrites(): Promise<() => Promise<void>> {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const done = app.db.transaction(async (em) => {
      if (app.db.engine === 'mysql') await em.query('SELECT id FROM model FOR UPDATE');
      entered();
      await released;
    });
    await inside;
    return async () => {
      release();
      await done;
    };
  }

  it('answers 503 past REQUEST_TIMEOUT_MS, and the late write never commits', async () => {
    const s = await serve({ REQUEST_TIMEOUT_MS: 400 });
    const release = await holdWrites();
    let released = false;
    try {
      const started = Date.now();
      const res = await post(s.url, 'mutation { registerModel(input: { name: "too-late" }) { id } }');
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await res.json()).toEqual({ errors: [{ message: 'The request did not finish within 400 ms', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      await release();
      released = true;
      await new Promise((r) => setTimeout(r, 300)); // the abandoned mutation runs on, and must roll back
      const check = await (await post(s.url, '{ model(name: "too-late") { id } }')).json();
      expect(check).toEqual({ data: { model: null } });
    } finally {
      if (!released) await release();
      await s.close();
    }
  });

  it('/ready answers 503 within READY_TIMEOUT_MS when the database does not answer, and 200 again after', async () => {
    if (app.db.engine === 'mysql') return; // a frozen server is the MariaDB fault test's (test/faults/)
    const s = await serve({ READY_TIMEOUT_MS: 500 });
    const release = await holdWrites(); // SQLite: the readiness ping waits behind the open write transaction
    try {
      const started = Date.now();
      expect((await fetch(`${s.url}/ready`)).status).toBe(503);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(450);
      expect(took).toBeLessThan(2_000);
    } finally {
      await release();
    }
    expect((await fetch(`${s.url}/ready`)).status).toBe(200);
    await s.close();
  });
});

describe('statement timeouts', () => {
  it('every pooled connection carries DB_STATEMENT_TIMEOUT_MS; a longer statement fails as SERVICE_UNAVAILABLE', async () => {
    const own = await createTestDatabase({ fromTemplate: true });
    const bounded = await RegistryApp.create({ databaseUrl: own.url, limits: defaultQueryLimits(), log: pino({ level: 'silent' }), timeouts: { statementMs: 700, connectMs: 2_000 } });
    try {
      if (bounded.db.engine === 'sqlite') {
        // SQLite: the wait for another process's lock (busy_timeout).
        expect(await bounded.db.dataSource.query('PRAGMA busy_timeout')).toEqual([{ timeout: 700 }]);
        return;
      }
      const variable = bounded.db.flavor === 'mariadb' ? '@@max_statement_time' : '@@max_execution_time';
      const sessions = await Promise.all([1, 2, 3].map(() => bounded.db.dataSource.query(`SELECT ${variable} AS v, SLEEP(0.1) AS s`)));
      expect(sessions.map(([row]: { v: string | number }[]) => Number(row.v))).toEqual(bounded.db.flavor === 'mariadb' ? [0.7, 0.7, 0.7] : [700, 700, 700]);
      const started = Date.now();
      const failed = await bounded.db.dataSource.query('SELECT COUNT(*) AS n FROM information_schema.columns a, information_schema.columns b, information_schema.columns c').then(() => undefined, (e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(failed).toMatchObject({ driverError: { errno: bounded.db.flavor === 'mariadb' ? 1969 : 3024 } });
      expect(isUnavailable(failed)).toBe(true);
    } finally {
      await bounded.stop();
      await own.drop();
    }
  });
});
