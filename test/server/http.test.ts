import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { postGraphql, read, runUntilExit, startServer, type RunningServer, type ServerDatabase } from '../support/http';

/**
 * The compiled server as a process: HTTP routes, Sandbox, CSRF-safe GET, document size limit,
 * configuration errors, stack-trace masking in development, graceful SIGTERM.
 */

const MODEL_FIELDS = 'id name description versioningScheme tags { key value }';

async function modelRows(database: ServerDatabase): Promise<string[]> {
  if (database.engine === 'sqlite') {
    const db = new Database(database.file!, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      return (db.prepare('SELECT name FROM model ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  }
  const conn = await createConnection({ uri: database.url });
  try {
    const [rows] = await conn.query('SELECT name FROM model ORDER BY name');
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    await conn.end();
  }
}

/** JSON log lines the server wrote for SQL statements (needs SQL_LOG=true and LOG_LEVEL=debug). */
function sqlLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.includes('"msg":"sql"'));
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('the HTTP server (node dist/src/main.js)', () => {
  let s: RunningServer;
  beforeAll(async () => {
    // SQL logging on, so a test can see from outside whether a request reached the database.
    s = await startServer({ SQL_LOG: 'true', LOG_LEVEL: 'debug' });
    await settle(); // the /ready probe's SELECT 1 may still be in the pipe
  });
  afterAll(() => s?.dispose());

  it('answers /health and /ready with 200', async () => {
    const health = await read(await fetch(`${s.url}/health`));
    expect(health.status).toBe(200);
    const ready = await read(await fetch(`${s.url}/ready`));
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ status: 'ready' });
  });

  it('serves the Apollo Sandbox landing page on GET /graphql with Accept: text/html', async () => {
    const res = await read(await fetch(`${s.url}/graphql`, { headers: { accept: 'text/html' } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toMatch(/<html/i);
    expect(res.text.toLowerCase()).toContain('apollo');
    expect(res.text.toLowerCase()).toContain('sandbox');
  });

  it('creates a model over POST /graphql and reads it back', async () => {
    const created = await postGraphql(s.url, {
      query: `mutation($i: RegisterModelInput!) { registerModel(input: $i) { ${MODEL_FIELDS} } }`,
      variables: { i: { name: 'http-model', description: 'over the wire', tags: [{ key: 'team', value: 'ml' }] } },
    });
    expect(created.status).toBe(200);
    expect(created.json?.errors).toBeUndefined();
    const model = created.json!.data.registerModel;
    expect(model).toMatchObject({ name: 'http-model', description: 'over the wire', versioningScheme: 'INTEGER', tags: [{ key: 'team', value: 'ml' }] });

    const read1 = await postGraphql(s.url, { query: `query($id: ID!) { model(id: $id) { ${MODEL_FIELDS} } }`, variables: { id: model.id } });
    expect(read1.status).toBe(200);
    expect(read1.json).toEqual({ data: { model } });
  });

  it('runs a query over GET with the apollo-require-preflight header', async () => {
    const query = encodeURIComponent('query($n: String!) { model(name: $n) { name description } }');
    const variables = encodeURIComponent(JSON.stringify({ n: 'http-model' }));
    const res = await read(await fetch(`${s.url}/graphql?query=${query}&variables=${variables}`, {
      headers: { 'apollo-require-preflight': 'true', accept: 'application/json' },
    }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { model: { name: 'http-model', description: 'over the wire' } } });
  });

  it('blocks a GET without a preflight header (CSRF) and mutations over GET', async () => {
    const query = encodeURIComponent('{ models(first: 1) { totalCount } }');
    const csrf = await read(await fetch(`${s.url}/graphql?query=${query}`));
    expect(csrf.status).toBe(400);
    expect(csrf.json?.errors?.[0].extensions?.code).toBe('BAD_REQUEST');

    const mutation = encodeURIComponent('mutation { registerModel(input: { name: "via-get" }) { id } }');
    const viaGet = await read(await fetch(`${s.url}/graphql?query=${mutation}`, { headers: { 'apollo-require-preflight': 'true' } }));
    expect(viaGet.status).toBe(405);
    expect(viaGet.json?.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    const after = await postGraphql(s.url, { query: '{ model(name: "via-get") { id } }' });
    expect(after.json).toEqual({ data: { model: null } });
  });

  it('rejects a document over MAX_DOCUMENT_BYTES (100 KB) with 413 and a coded JSON error, before any SQL', async () => {
    // Control: the SQL log does show statements for an ordinary query.
    const before = s.stdout().length;
    const control = await postGraphql(s.url, { query: '{ models(first: 1) { totalCount } }' });
    expect(control.json?.errors).toBeUndefined();
    await settle();
    expect(sqlLines(s.stdout().slice(before)).length).toBeGreaterThan(0);

    // A valid query padded past 100,000 bytes (a comment), well under the 2 MB body limit.
    const big = `{ models(first: 1) { totalCount } }\n#${'x'.repeat(100_001)}`;
    const mark = s.stdout().length;
    const res = await postGraphql(s.url, { query: big });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.json?.errors).toHaveLength(1);
    expect(typeof res.json?.errors?.[0].extensions?.code).toBe('string');
    expect(res.json?.errors?.[0].message).toMatch(/100000 bytes|too large/i);
    expect(res.json?.data).toBeUndefined();
    await settle();
    expect(sqlLines(s.stdout().slice(mark))).toEqual([]);
  });

  it('rejects a request body over the body limit with 413 and a coded JSON error', async () => {
    const res = await postGraphql(s.url, { query: `{ __typename }\n#${'x'.repeat(3_000_000)}` });
    expect(res.status).toBe(413);
    expect(typeof res.json?.errors?.[0].extensions?.code).toBe('string');
    expect(res.text).not.toMatch(/PayloadTooLargeError|at .*\.js:\d+/);
  });

  it('answers a malformed JSON body with a coded 400 and no parser internals', async () => {
    const res = await postGraphql(s.url, '{"query": ');
    expect(res.status).toBe(400);
    expect(res.json?.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    expect(res.text).not.toMatch(/SyntaxError|Unexpected end|at .*\.js:\d+/);
  });
});

describe('a small MAX_DOCUMENT_BYTES also applies to GET queries', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ MAX_DOCUMENT_BYTES: '500', SQL_LOG: 'true', LOG_LEVEL: 'debug' });
    await settle(); // the /ready probe's SELECT 1 may still be in the pipe
  });
  afterAll(() => s?.dispose());

  it('rejects a 600-byte GET query with 413 and issues no SQL', async () => {
    const query = encodeURIComponent(`{ models(first: 1) { totalCount } }\n#${'x'.repeat(600)}`);
    const mark = s.stdout().length;
    const res = await read(await fetch(`${s.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } }));
    expect(res.status).toBe(413);
    expect(res.json?.errors?.[0].extensions).toMatchObject({ code: expect.any(String), limit: 500 });
    await settle();
    expect(sqlLines(s.stdout().slice(mark))).toEqual([]);

    const small = await read(await fetch(`${s.url}/graphql?query=${encodeURIComponent('{ models(first: 1) { totalCount } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    }));
    expect(small.json).toEqual({ data: { models: { totalCount: 0 } } });
  });
});

describe('shutdown', () => {
  it('exits 0 within a few seconds of SIGTERM, leaving the database intact and usable', async () => {
    const s = await startServer();
    let restarted: RunningServer | undefined;
    try {
      const created = await postGraphql(s.url, { query: 'mutation { registerModel(input: { name: "survives-sigterm" }) { id } }' });
      expect(created.json?.errors).toBeUndefined();
      const id = created.json!.data.registerModel.id as string;

      const exit = await s.stop();
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.ms).toBeLessThan(5_000);
      expect(s.stderr()).toBe('');

      // A clean close checkpoints SQLite's write-ahead log and removes it (checked before opening the file here).
      if (s.database.file) expect(existsSync(`${s.database.file}-wal`)).toBe(false);
      expect(await modelRows(s.database)).toEqual(['survives-sigterm']);

      // The same database serves a new process (migrations already applied, data there).
      restarted = await startServer({}, { database: s.database });
      const back = await postGraphql(restarted.url, { query: 'query($id: ID!) { model(id: $id) { id name } }', variables: { id } });
      expect(back.json).toEqual({ data: { model: { id, name: 'survives-sigterm' } } });
    } finally {
      await restarted?.dispose();
      await s.dispose();
    }
  });
});

describe('configuration errors', () => {
  /** The stderr lines, the ones naming the variable, and whether anything looks like a stack trace or a log object. */
  function inspect(stderr: string, variable: string) {
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    return {
      lines,
      naming: lines.filter((l) => l.includes(variable)),
      stack: lines.filter((l) => /^\s+at\s/.test(l) || /\.js:\d+:\d+/.test(l) || l.trim().startsWith('{')),
    };
  }

  it('a bad DATABASE_URL exits 1 with one clear line naming DATABASE_URL, no stack', async () => {
    const run = await runUntilExit({ DATABASE_URL: 'postgres://x', PORT: '0' });
    expect(run.code).toBe(1);
    const { lines, naming, stack } = inspect(run.stderr, 'DATABASE_URL');
    expect(naming).toHaveLength(1);
    expect(naming[0]).toMatch(/DATABASE_URL.*(mysql|sqlite)/);
    expect(stack).toEqual([]);
    // At most a heading line plus that one line; nothing else (no log dump) on stderr.
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(run.stdout).toBe('');
  });

  it('a bad PORT exits 1 with one clear line naming PORT, no stack', async () => {
    const run = await runUntilExit({ PORT: 'abc', DATABASE_URL: 'sqlite::memory:' });
    expect(run.code).toBe(1);
    const { lines, naming, stack } = inspect(run.stderr, 'PORT');
    expect(naming).toHaveLength(1);
    expect(stack).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(run.stdout).toBe('');
  });

  it('an unreachable database exits 1 instead of hanging', async () => {
    const run = await runUntilExit({ DATABASE_URL: 'mysql://root@127.0.0.1:1/modelgraph', PORT: '0', LOG_LEVEL: 'fatal' });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/could not start/);
  });
});

describe('NODE_ENV=development', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ NODE_ENV: 'development' });
  });
  afterAll(() => s?.dispose());

  const noStack = (body: string) => {
    expect(body).not.toMatch(/stacktrace/i);
    expect(body).not.toMatch(/\bat .*\.(js|ts):\d+/);
  };

  it.each([
    ['a validation error', '{ models(first: 1) { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a parse error', '{ models(first: 1) { ', 'GRAPHQL_PARSE_FAILED'],
    ['bad user input', '{ models(first: 1000) { totalCount } }', 'BAD_USER_INPUT'],
    ['a not-found mutation', 'mutation { createModelVersion(input: { modelId: "mdl_01jzzzzzzzzzzzzzzzzzzzzzzz", artifactUri: "s3://a/b" }) { id } }', 'NOT_FOUND'],
  ])('%s carries a code and no stacktrace', async (_name, query, code) => {
    const res = await postGraphql(s.url, { query });
    expect(res.json?.errors?.[0].extensions?.code).toBe(code);
    for (const error of res.json!.errors!) expect(error.extensions).not.toHaveProperty('stacktrace');
    noStack(res.text);
  });
});
