import { once } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import { connect, createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { pino } from 'pino';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits } from '../../src/config';
import { createHttpServer } from '../../src/http';
import { countQueries } from '../../src/db/query-log';
import { TestApp, type GqlResult } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seed } from '../support/seed';

/**
 * docs/api.md "Errors": no response ever carries SQL text, driver detail or a stack trace; unexpected errors are
 * INTERNAL_SERVER_ERROR, a database that is down is SERVICE_UNAVAILABLE. Each destructive case gets a fresh app.
 */

/** Anything that would leak the database or the code: SQL, driver names and codes, table names, stack frames. */
const LEAKS: [string, RegExp][] = [
  ['SQL', /\b(SELECT|INSERT|UPDATE|DELETE)\b|\bFROM\s|\bWHERE\b/],
  ['a driver name', /sqlite|mysql|mariadb|typeorm|better-sqlite3/i],
  ['a driver error', /QueryFailed|no such table|doesn't exist|not open|not established|\bER_[A-Z_]+|errno|sqlState|driverError|ECONN/i],
  ['a database name', /mg_test_/],
  ['a stack trace', /stacktrace|\bat .*\.(ts|js):\d+|node_modules/i],
];

function expectNoLeaks(body: string): void {
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(body);
    expect({ leaks: what, match: match?.[0] ?? null }).toEqual({ leaks: what, match: null });
  }
}

function expectMaskedInternal(result: GqlResult, path: (string | number)[]): void {
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors!;
  expect(error.message).toBe('Internal server error');
  expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  expect(error.path).toEqual(path);
  expectNoLeaks(JSON.stringify(result));
}

/** The app behind a real HTTP server on an ephemeral port (same middleware and formatting as main.ts). */
async function serveHttp(app: RegistryApp): Promise<{ url: string; close(): Promise<void> }> {
  const server: HttpServer = createHttpServer(app, defaultQueryLimits());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

async function post(url: string, query: string): Promise<{ status: number; text: string; json: GqlResult }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as GqlResult };
}

describe('an unexpected error inside a resolver (a table dropped under the running app)', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    await s.model('masked-model');
    // `tag` has no foreign keys pointing at it, so it drops cleanly on both engines.
    await t.app.db.dataSource.query('DROP TABLE tag');
    http = await serveHttp(t.app);
  });
  afterAll(async () => {
    await http?.close();
    await t?.stop();
  });

  it('masks a failing read as "Internal server error" with code INTERNAL_SERVER_ERROR and nothing else', async () => {
    const { result, statements } = await countQueries(() => t.gql('{ models(first: 5) { nodes { name tags { key } } } }'));
    // The failure really came from the database: the resolver did issue SQL for the tags.
    expect(statements.some((sql) => /tag/i.test(sql))).toBe(true);
    expectMaskedInternal(result, ['models', 'nodes', 0, 'tags']);
  });

  it('masks a failing write the same way, and the write is rolled back', async () => {
    const result = await t.gql('mutation { registerModel(input: { name: "never-stored", tags: [{ key: "a", value: "b" }] }) { id name } }');
    expectMaskedInternal(result, ['registerModel']);
    expect(await t.ok('{ model(name: "never-stored") { id } }')).toEqual({ model: null });
  });

  it('fields that do not touch the broken table still resolve', async () => {
    expect(await t.ok('{ model(name: "masked-model") { name } }')).toEqual({ model: { name: 'masked-model' } });
  });

  it('masks it over HTTP too (the raw response body carries no stacktrace, SQL or driver text)', async () => {
    // (Development mode, where Apollo would add stack traces, is covered by test/server/http.test.ts.)
    const res = await post(http.url, '{ models(first: 5) { nodes { name tags { key value } } } }');
    expect(res.status).toBe(200);
    expectMaskedInternal(res.json, ['models', 'nodes', 0, 'tags']);
    expectNoLeaks(res.text);
  });
});

describe('the database connection destroyed under the running app', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let modelId: string;
  beforeAll(async () => {
    t = await TestApp.start();
    modelId = (await seed(t).model('before-the-outage')).id;
    http = await serveHttp(t.app);
    expect((await fetch(`${http.url}/ready`)).status).toBe(200);
    await t.app.db.dataSource.destroy();
  });
  afterAll(async () => {
    await http?.close();
    await t?.app.apollo.stop();
    await t?.database.drop();
  });

  const cases: [string, string, (string | number)[]][] = [
    ['a list read', '{ models(first: 5) { nodes { name } } }', ['models']],
    ['a lookup by id', `{ model(id: "MODEL_ID") { name } }`, ['model']],
    ['a mutation', 'mutation { registerModel(input: { name: "during-the-outage" }) { id } }', ['registerModel']],
  ];

  it.each(cases)('%s fails with a bare, coded error and no driver detail', async (_name, query, path) => {
    const result = await t.gql(query.replace('MODEL_ID', modelId));
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR']).toContain(error.extensions?.code);
    expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
    expect(error.path).toEqual(path);
    expectNoLeaks(JSON.stringify(result));
  });

  it.each(cases)('%s is SERVICE_UNAVAILABLE, as docs/api.md says for "database down"', async (_name, query) => {
    const result = await t.gql(query.replace('MODEL_ID', modelId));
    expect(result.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('makes /ready answer 503 while /health stays 200', async () => {
    expect((await fetch(`${http.url}/ready`)).status).toBe(503);
    expect((await fetch(`${http.url}/health`)).status).toBe(200);
  });
});

/**
 * MariaDB/MySQL only: the server really goes away. The app reaches the database through a TCP proxy in this
 * process; closing the proxy (and every connection through it) is the database going down, reopening it on
 * the same port is the database coming back.
 */
declare const TEST_ENGINE: 'sqlite' | 'mysql' | undefined; // set per jest project (jest.config.js), when projects are used
const engine = typeof TEST_ENGINE !== 'undefined' ? TEST_ENGINE : process.env.TEST_DATABASE_URL ? 'mysql' : 'sqlite';
const onMysql = engine === 'mysql' && process.env.TEST_DATABASE_URL ? describe : describe.skip;

onMysql('the database server going away (MariaDB through a TCP proxy)', () => {
  let database: TestDatabase;
  let app: RegistryApp;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let proxy: TcpServer | undefined;
  let proxyPort = 0;
  const sockets = new Set<Socket>();
  let target: URL;

  async function openProxy(port: number): Promise<number> {
    const server = createTcp((client) => {
      const upstream = connect(Number(target.port || 3306), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    proxy = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async function closeProxy(): Promise<void> {
    const server = proxy;
    proxy = undefined;
    for (const s of sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }

  beforeAll(async () => {
    database = await createTestDatabase({ fromTemplate: true });
    target = new URL(database.url);
    proxyPort = await openProxy(0);
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxyPort);
    app = await RegistryApp.create({ databaseUrl: viaProxy.toString(), limits: defaultQueryLimits(), log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    http = await serveHttp(app);
    const ctx = async () => ({ contextValue: await app.context({ headers: {} }) });
    const created = await app.apollo.executeOperation({ query: 'mutation { registerModel(input: { name: "proxied" }) { id } }' }, await ctx());
    expect(created.body.kind === 'single' && created.body.singleResult.errors).toBeFalsy();
  });
  afterAll(async () => {
    await http?.close();
    await closeProxy();
    await app?.stop().catch(() => undefined);
    await database?.drop();
  });

  async function query(q: string): Promise<GqlResult> {
    const response = await app.apollo.executeOperation({ query: q }, { contextValue: await app.context({ headers: {} }) });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    return JSON.parse(JSON.stringify(response.body.singleResult)) as GqlResult;
  }

  it('answers SERVICE_UNAVAILABLE without driver detail while it is down, and /ready is 503', async () => {
    await closeProxy();
    // A read on a pooled connection that died, a write needing a new connection, another read: all "down".
    const outcomes: { query: string; code: unknown }[] = [];
    for (const q of ['{ models(first: 5) { nodes { name } } }', 'mutation { registerModel(input: { name: "while-down" }) { id } }', '{ model(name: "proxied") { id } }']) {
      const result = await query(q);
      expect(result.errors).toHaveLength(1);
      expect(Object.keys(result.errors![0].extensions ?? {})).toEqual(['code']);
      expectNoLeaks(JSON.stringify(result));
      outcomes.push({ query: q, code: result.errors![0].extensions?.code });
    }
    expect(outcomes).toEqual(outcomes.map((o) => ({ ...o, code: 'SERVICE_UNAVAILABLE' })));
    expect((await fetch(`${http.url}/ready`)).status).toBe(503);
  });

  it('recovers by itself when the database comes back', async () => {
    await openProxy(proxyPort);
    let result: GqlResult = {};
    // The pool may still hand out a connection that died with the proxy: allow a couple of attempts.
    for (let i = 0; i < 5; i++) {
      result = await query('{ models(first: 5) { nodes { name } } }');
      if (!result.errors) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(result).toEqual({ data: { models: { nodes: [{ name: 'proxied' }] } } });
    expect((await fetch(`${http.url}/ready`)).status).toBe(200);
  });
});
