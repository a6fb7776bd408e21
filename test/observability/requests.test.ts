import { once } from 'node:events';
import { request, type Server } from 'node:http';
import { pino } from 'pino';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits } from '../../src/config';
import { countQueries } from '../../src/db/query-log';
import { createHttpServer } from '../../src/http';
import packageJson from '../../package.json';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { postGraphql } from '../support/http';

/**
 * Per-request log lines and Prometheus metrics, through the real HTTP server: one JSON line per /graphql
 * request (id, operation, outcome, statements, actor; never variables or tokens), the X-Request-Id header on
 * every answer, and GET /metrics with known counts for known requests.
 */

const ADMIN_TOKEN = 'observability-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const SECRET = 'variable-secret-value-7f3a9c';

let database: TestDatabase;
let app: RegistryApp;
let server: Server;
let url: string;
const lines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ fromTemplate: true });
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  app = await RegistryApp.create({ databaseUrl: database.url, limits: defaultQueryLimits(), log, auth: { adminToken: ADMIN_TOKEN } });
  server = createHttpServer(app, defaultQueryLimits());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await app?.stop();
  await database?.drop();
});

type Line = Record<string, unknown>;

/** The request's log line (written once its answer is sent and its work has ended). */
async function lineOf(requestId: string): Promise<Line> {
  for (let i = 0; i < 200; i++) {
    const found = lines.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === 'graphql request' && l.requestId === requestId);
    if (found.length) {
      expect(found).toHaveLength(1);
      return found[0];
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no log line for ${requestId}`);
}

const EXPERIMENTS = 'query Experiments { experiments(first: 5) { nodes { id name } } }';

describe('request log', () => {
  it('logs a query: id, operation, type, outcome, duration, statements issued, actor', async () => {
    const viewer = await postGraphql(url, { query: '{ viewer { subject } }' }, admin);
    const subject = viewer.json?.data.viewer.subject as string;
    const res = await postGraphql(url, { query: EXPERIMENTS }, { ...admin, 'x-request-id': 'req-query-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-query-1');
    // The same operation outside HTTP, counted the way t.statements counts.
    const { statements } = await countQueries(async () => app.apollo.executeOperation({ query: EXPERIMENTS },
      { contextValue: await app.context({ headers: admin }) }));
    const line = await lineOf('req-query-1');
    expect(line).toMatchObject({
      level: 30, requestId: 'req-query-1', operation: 'Experiments', type: 'query', status: 200, outcome: 'ok',
      statements: statements.length, actor: subject,
    });
    expect(statements.length).toBeGreaterThan(0);
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
  });

  it('logs a failing mutation with its code, never its variables or the bearer token', async () => {
    const res = await postGraphql(url, {
      query: 'mutation MakeDataset($n: String!, $d: String) { createDataset(input: { name: $n, description: $d }) { id } }',
      variables: { n: '', d: SECRET },
    }, { ...admin, 'x-request-id': 'req-mutation-1' });
    expect(res.json?.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.headers.get('x-request-id')).toBe('req-mutation-1');
    const line = await lineOf('req-mutation-1');
    expect(line).toMatchObject({ requestId: 'req-mutation-1', operation: 'MakeDataset', type: 'mutation', outcome: 'BAD_USER_INPUT', statements: 0 });
    const text = lines.join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(ADMIN_TOKEN);
  });

  it('logs an UNAUTHENTICATED request and returns its id on the 401', async () => {
    const bad = 'Bearer not-a-real-token-5e1d2c3b4a';
    const res = await postGraphql(url, { query: 'query Me { viewer { subject } }' }, { authorization: bad, 'x-request-id': 'req-401' });
    expect(res.status).toBe(401);
    expect(res.json?.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.headers.get('x-request-id')).toBe('req-401');
    const line = await lineOf('req-401');
    expect(line).toMatchObject({ requestId: 'req-401', operation: 'Me', type: 'query', status: 401, outcome: 'UNAUTHENTICATED', actor: 'anonymous' });
    expect(lines.join('\n')).not.toContain('not-a-real-token-5e1d2c3b4a');
  });

  it('replaces a malformed request id, and logs answers the HTTP layer gives by itself', async () => {
    const res = await postGraphql(url, { query: '{ __typename }' }, { ...admin, 'x-request-id': 'has spaces and ;' });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await lineOf(id!)).toMatchObject({ operation: null, type: 'query', outcome: 'ok' });
    const broken = await postGraphql(url, '{"query": ', { ...admin, 'x-request-id': 'req-malformed' });
    expect(broken.status).toBe(400);
    expect(broken.headers.get('x-request-id')).toBe('req-malformed');
    expect(await lineOf('req-malformed')).toMatchObject({ operation: null, type: 'none', status: 400, outcome: 'BAD_REQUEST', statements: 0 });
  });
});

describe('request log at the HTTP edge', () => {
  it('logs a request refused for lack of capacity (503) with its id, which the answer carries', async () => {
    const busy = createHttpServer(app, defaultQueryLimits(), { MAX_CONCURRENT_REQUESTS: 1, MAX_QUEUED_REQUESTS: 0 });
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const address = busy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      // Admitted, its body still on its way: it holds the only place.
      const body = JSON.stringify({ query: 'query Held { __typename }' });
      const held = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'req-held', ...admin } });
      const heldStatus = new Promise<number>((resolve, reject) => {
        held.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
        held.on('error', reject);
      });
      held.write(body.slice(0, 5));
      await new Promise((r) => setTimeout(r, 200));
      const refused = await postGraphql(`http://127.0.0.1:${port}`, { query: 'query Refused { __typename }' }, { ...admin, 'x-request-id': 'req-busy' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('x-request-id')).toBe('req-busy');
      expect(await lineOf('req-busy')).toMatchObject({ operation: null, type: 'none', status: 503, outcome: 'SERVICE_UNAVAILABLE', statements: 0, actor: null });
      held.end(body.slice(5));
      expect(await heldStatus).toBe(200);
      expect(await lineOf('req-held')).toMatchObject({ operation: 'Held', type: 'query', status: 200, outcome: 'ok' });
    } finally {
      busy.closeAllConnections();
      busy.close();
    }
  });
});

/** One sample's value from Prometheus text (labels exactly as given, in the order they are written). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('counts known requests, lineage walks, the pool and the webhook backlog', async () => {
    const before = await (await fetch(`${url}/metrics`)).text();
    const created = await postGraphql(url, { query: 'mutation NewData($n: String!) { createDataset(input: { name: $n }) { id } }', variables: { n: 'metrics-data' } }, admin);
    const id = created.json?.data.createDataset.id as string;
    for (let i = 0; i < 3; i++) {
      await postGraphql(url, { query: 'query Walk($id: ID!) { lineage(id: $id, direction: DOWNSTREAM) { nodes { depth } truncated } }', variables: { id } }, admin);
    }
    await postGraphql(url, { query: 'query Me { viewer { subject } }' }, { authorization: 'Bearer wrong-token-for-metrics' });
    const unauthenticated = 'operation="Me",type="query",outcome="UNAUTHENTICATED"';
    const expected = (sample(before, 'modelgraph_requests_total', unauthenticated) ?? 0) + 1;
    let text = '';
    // A request is counted right after its answer is sent: wait for the last one.
    for (let i = 0; i < 100 && sample(text, 'modelgraph_requests_total', unauthenticated) !== expected; i++) {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      text = await res.text();
    }
    expect(sample(text, 'modelgraph_requests_total', 'operation="NewData",type="mutation",outcome="ok"')).toBe(1);
    expect(sample(text, 'modelgraph_requests_total', 'operation="Walk",type="query",outcome="ok"')).toBe(3);
    expect(sample(text, 'modelgraph_requests_total', unauthenticated)).toBe(expected);
    expect(sample(text, 'modelgraph_request_duration_seconds_count', 'operation="Walk",type="query",outcome="ok"')).toBe(3);
    expect(sample(text, 'modelgraph_request_duration_seconds_bucket', 'le="+Inf",operation="Walk",type="query",outcome="ok"')).toBe(3);
    // Every request answered so far was counted once in the statements histogram.
    const requests = text.split('\n').filter((l) => l.startsWith('modelgraph_requests_total{')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    const perType = ['query', 'mutation', 'none'].reduce((n, type) => n + (sample(text, 'modelgraph_sql_statements_per_request_count', `type="${type}"`) ?? 0), 0);
    expect(perType).toBe(requests);
    // One walk per DOWNSTREAM lineage, each reaching nothing (the dataset has no links).
    expect(sample(text, 'modelgraph_lineage_walk_nodes_count')).toBe((sample(before, 'modelgraph_lineage_walk_nodes_count') ?? 0) + 3);
    expect(sample(text, 'modelgraph_lineage_walk_nodes_sum')).toBe(0);
    expect(sample(text, 'modelgraph_build_info', `version="${packageJson.version}",node="${process.version}"`)).toBe(1);
    for (const status of ['PENDING', 'FAILED', 'IN_FLIGHT', 'DEAD']) expect(sample(text, 'modelgraph_webhook_deliveries_open', `status="${status}"`)).toBe(0);
    if (app.db.engine === 'sqlite') {
      expect(sample(text, 'modelgraph_db_pool_connections', 'state="total"')).toBe(1);
    } else {
      const total = sample(text, 'modelgraph_db_pool_connections', 'state="total"')!;
      expect(total).toBeGreaterThan(0);
      expect(sample(text, 'modelgraph_db_pool_connections', 'state="in_use"')! + sample(text, 'modelgraph_db_pool_connections', 'state="idle"')!).toBe(total);
      expect(sample(text, 'modelgraph_db_pool_connections', 'state="waiting"')).toBe(0);
    }
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('keeps one registry per app: a second app starts with its own zero counts', async () => {
    const other = await createTestDatabase({ fromTemplate: true });
    const second = await RegistryApp.create({ databaseUrl: other.url, limits: defaultQueryLimits(), log: pino({ level: 'silent' }) });
    try {
      const text = await second.metrics.scrape();
      expect(text.split('\n').filter((l) => l.startsWith('modelgraph_requests_total{'))).toEqual([]);
      expect(sample(text, 'modelgraph_build_info', `version="${packageJson.version}",node="${process.version}"`)).toBe(1);
    } finally {
      await second.stop();
      await other.drop();
    }
  });

  it('caps operation names used as labels', () => {
    const metrics = app.metrics;
    const seen = new Set<string>();
    for (let i = 0; i < 150; i++) seen.add(metrics.operationLabel(`Generated${i}`));
    expect(seen.has('other')).toBe(true);
    expect(seen.size).toBeLessThanOrEqual(101);
    expect(metrics.operationLabel(null)).toBe('anonymous');
    expect(metrics.operationLabel(undefined)).toBe('none');
  });
});
