import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { postGraphql, startServer, type RunningServer } from '../support/http';
import { testEngine } from '../support/database';
import { ConfigError, loadConfig, tracingSettings } from '../../src/config';
import { CompiledExecution } from '../../src/execution';
import { buildRegistrySchema } from '../../src/schema';
import { parse } from 'graphql';

/**
 * OpenTelemetry traces from the built server, exported over OTLP/HTTP (JSON) to a receiver in this process:
 * one trace per /graphql request, with its HTTP server span, GraphQL spans (resolver spans included) and, on
 * MariaDB/MySQL, a span per SQL statement (mysql2). SQLite (better-sqlite3) has no instrumentation: no SQL spans.
 */

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}
interface OtlpBody {
  resourceSpans: { resource?: { attributes?: OtlpSpan['attributes'] }; scopeSpans: { scope?: { name: string }; spans: (OtlpSpan & { scope?: string })[] }[] }[];
}

const SERVER_KIND = 2;
const NAME = 'traced-experiment-6d1f0b';
const attribute = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};

let receiver: Server;
let endpoint: string;
const bodies: OtlpBody[] = [];
const paths: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const raw = Buffer.concat(chunks);
      bodies.push(JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as OtlpBody);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const address = receiver.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  receiver?.close();
});

describe('OpenTelemetry traces', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.dispose();
  });

  it('exports one trace per request: HTTP span, GraphQL resolver spans, SQL spans (MariaDB/MySQL)', async () => {
    server = await startServer({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'modelgraph-test' });
    const created = await postGraphql(server.url, { query: 'mutation Make($n: String!) { createExperiment(input: { name: $n }) { id } }', variables: { n: NAME } });
    expect(created.json?.errors).toBeUndefined();
    // Twice: the second request of a document would run compiled if tracing did not turn compilation off.
    for (let i = 0; i < 2; i++) {
      const listed = await postGraphql(server.url, { query: 'query List { experiments(first: 5) { nodes { id name } } }' });
      expect(listed.json?.data.experiments.nodes).toEqual([{ id: created.json?.data.createExperiment.id, name: NAME }]);
    }
    await server.stop(); // SIGTERM: buffered spans are exported before the process exits
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p === 'POST /v1/traces application/json')).toBe(true);
    const spans = bodies.flatMap((b) => b.resourceSpans.flatMap((r) => {
      expect(r.resource?.attributes?.find((a) => a.key === 'service.name')?.value).toEqual({ stringValue: 'modelgraph-test' });
      return r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, scope: s.scope?.name ?? '' })));
    }));
    const http = spans.filter((s) => s.kind === SERVER_KIND && s.scope.includes('instrumentation-http'));
    // /ready (polled while starting) is not traced: the three POST /graphql only, each its own trace.
    expect(http.map((s) => attribute(s, 'http.method') ?? attribute(s, 'http.request.method'))).toEqual(['POST', 'POST', 'POST']);
    expect(new Set(http.map((s) => s.traceId)).size).toBe(3);
    for (const [index, root] of http.entries()) {
      const inTrace = spans.filter((s) => s.traceId === root.traceId);
      const graphql = inTrace.filter((s) => s.scope.includes('instrumentation-graphql'));
      const field = index === 0 ? 'createExperiment' : 'experiments';
      expect(graphql.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^(query|mutation)/), `graphql.resolve ${field}`]));
      const sql = inTrace.filter((s) => s.scope.includes('mysql2'));
      if (testEngine() === 'mysql') {
        expect(sql.length).toBeGreaterThan(0);
        expect(sql.some((s) => /experiment/i.test(String(attribute(s, 'db.statement') ?? attribute(s, 'db.query.text'))))).toBe(true);
      } else {
        expect(sql).toEqual([]);
      }
    }
    // Nothing outside the requests' traces (startup, the sealer's and dispatcher's polling are not traced).
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(http.map((s) => s.traceId)));
    const text = JSON.stringify(bodies);
    expect(text).not.toContain(NAME); // variable values are never recorded (nor SQL parameters)
  });

  it("joins a caller's W3C traceparent and follows its sampling decision", async () => {
    bodies.length = 0;
    server = await startServer({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const sampled = await postGraphql(server.url, { query: '{ __typename }' }, { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(sampled.json?.data).toEqual({ __typename: 'Query' });
    const unsampledTrace = '0af7651916cd43dd8448eb211c80319c';
    const unsampled = await postGraphql(server.url, { query: '{ __typename }' }, { traceparent: `00-${unsampledTrace}-b7ad6b7169203331-00` });
    expect(unsampled.json?.data).toEqual({ __typename: 'Query' });
    await server.stop();
    const spans = bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, scope: s.scope?.name ?? '' })))));
    const http = spans.filter((s) => s.kind === SERVER_KIND && s.scope.includes('instrumentation-http'));
    expect(http.map((s) => [s.traceId, s.parentSpanId])).toEqual([[traceId, callerSpan]]);
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    expect(spans.some((s) => s.scope.includes('instrumentation-graphql'))).toBe(true);
  });
});

describe('tracing settings', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT; the traces URL is the endpoint with /v1/traces', () => {
    expect(tracingSettings(loadConfig({}))).toBeNull();
    expect(tracingSettings(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })))
      .toEqual({ tracesUrl: 'http://collector:4318/v1/traces', serviceName: 'modelgraph' });
    expect(tracingSettings(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/otlp', OTEL_SERVICE_NAME: 'registry-eu' })))
      .toEqual({ tracesUrl: 'https://otel.example.com/otlp/v1/traces', serviceName: 'registry-eu' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/);
  });

  it('with compilation off, a document requested again still runs on graphql-js', async () => {
    const execution = new CompiledExecution(await buildRegistrySchema(), 10, false);
    const { executor } = await execution.load();
    const document = parse('query Probe { __typename }');
    const operation = document.definitions[0] as Parameters<typeof executor>[0]['operation'];
    for (let i = 0; i < 3; i++) {
      const result = await executor({ document, operationName: 'Probe', operation, queryHash: 'probe', context: {}, request: { variables: {} } } as unknown as Parameters<typeof executor>[0]);
      expect(result).toEqual({ data: { __typename: 'Query' } });
    }
    expect(execution.stats).toEqual({ compiled: 0, jit: 0, graphqlJs: 3 });
  });
});

describe('tracing off', () => {
  let dir: string;
  let server: RunningServer | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelgraph-otel-'));
    // Reports every OpenTelemetry module the server process loads.
    writeFileSync(join(dir, 'watch.js'), `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^@opentelemetry\\//.test(request)) process.stderr.write('otel-module ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`);
  });
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads no OpenTelemetry SDK or instrumentation without OTEL_EXPORTER_OTLP_ENDPOINT (and does with it)', async () => {
    server = await startServer({ NODE_OPTIONS: `--require ${join(dir, 'watch.js')}` });
    expect((await postGraphql(server.url, { query: '{ __typename }' })).json).toEqual({ data: { __typename: 'Query' } });
    await server.stop();
    // Only the API (a no-op façade without a registered provider), which prom-client requires for exemplars.
    expect(server.stderr().split('\n').filter((l) => l.startsWith('otel-module'))).toEqual(['otel-module @opentelemetry/api']);
    await server.dispose();
    server = await startServer({ NODE_OPTIONS: `--require ${join(dir, 'watch.js')}`, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    await server.stop();
    expect(server.stderr()).toContain('otel-module @opentelemetry/instrumentation-graphql');
  });
});
