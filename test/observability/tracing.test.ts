import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { postGraphql, startServer, type RunningServer } from '../support/http';
import { testEngine } from '../support/database';

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
});
