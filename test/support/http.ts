import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, MAIN, ROOT } from './build';
import { createTestDatabase } from './database';

export { ensureBuilt, MAIN, ROOT } from './build';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** A database for one server: a SQLite file in a temp dir, or a fresh MariaDB/MySQL database (TEST_DATABASE_URL). */
export interface ServerDatabase {
  url: string;
  engine: 'sqlite' | 'mysql';
  /** The SQLite file (sqlite only). */
  file?: string;
  drop(): Promise<void>;
}

export async function createServerDatabase(): Promise<ServerDatabase> {
  // The test harness decides the engine (TEST_DATABASE_URL and the jest project); its SQLite is in-memory,
  // which a separate process cannot share, so SQLite becomes a file here.
  const shared = await createTestDatabase({ fromTemplate: true });
  if (shared.engine === 'mysql') return shared;
  await shared.drop();
  const dir = mkdtempSync(join(tmpdir(), 'modelgraph-http-'));
  const file = join(dir, 'x.db');
  return { url: `sqlite:${file}`, engine: 'sqlite', file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningServer {
  url: string;
  port: number;
  database: ServerDatabase;
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits (whoever caused it). */
  exited: Promise<Exit>;
  /** SIGTERM, then waits for the exit (SIGKILL and an error after `timeoutMs`). Resolves with the exit and how long it took. */
  stop(timeoutMs?: number): Promise<Exit & { ms: number }>;
  /** stop() if still running, then drops the database (unless it was passed in by the caller). */
  dispose(): Promise<void>;
}

/**
 * The environment the server sees: PATH and HOME from ours, then `env`. Nothing else is inherited, so
 * jest's NODE_ENV=test (which hides Apollo stack traces by itself) does not leak into the server.
 */
function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...base, ...env };
}

/** The last lines of a process's output (where the reason it stopped is). */
const tail = (text: string, lines = 15): string => text.trimEnd().split('\n').slice(-lines).map((l) => (l.length > 2_000 ? `${l.slice(0, 2_000)}…` : l)).join('\n');

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string; exited: Promise<Exit> } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { stdout: () => out, stderr: () => err, exited };
}

/**
 * Spawns `node dist/src/main.js` on a free port with its own database and waits for GET /ready → 200
 * (at most `readyTimeoutMs`). `env` may override anything (DATABASE_URL, LOG_LEVEL, MAX_*…).
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { database?: ServerDatabase; readyTimeoutMs?: number } = {},
): Promise<RunningServer> {
  ensureBuilt();
  const port = await freePort();
  const ownDatabase = !options.database;
  const database = options.database ?? (await createServerDatabase());
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: serverEnv({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: database.url, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const io = collect(child);
  const url = `http://127.0.0.1:${port}`;
  let exit: Exit | undefined;
  void io.exited.then((e) => (exit = e));

  const stop = async (timeoutMs = 10_000): Promise<Exit & { ms: number }> => {
    const started = Date.now();
    if (exit) return { ...exit, ms: 0 };
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const result = await Promise.race([io.exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      await io.exited;
      throw new Error(`the server did not exit within ${timeoutMs} ms of SIGTERM`);
    }
    return { ...result, ms: Date.now() - started };
  };
  const server: RunningServer = {
    url, port, database, process: child, stdout: io.stdout, stderr: io.stderr, exited: io.exited, stop,
    dispose: async () => {
      if (!exit) await stop().catch(() => undefined);
      if (ownDatabase) await database.drop();
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exit) {
      if (ownDatabase) await database.drop();
      throw new Error(`the server exited (${JSON.stringify(exit)}) before /ready:\n${tail(io.stderr())}\n${tail(io.stdout())}`);
    }
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.dispose();
      throw new Error(`the server was not ready within ${options.readyTimeoutMs ?? 20_000} ms:\n${tail(io.stderr())}\n${tail(io.stdout())}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the server expecting it to exit by itself (bad configuration): its exit code and output. */
export async function runUntilExit(env: Record<string, string>, timeoutMs = 20_000): Promise<Exit & { stdout: string; stderr: string }> {
  ensureBuilt();
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env: serverEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const io = collect(child);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  const result = await Promise.race([io.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await io.exited;
    throw new Error(`the server was expected to exit by itself but still ran after ${timeoutMs} ms:\n${tail(io.stderr())}\n${tail(io.stdout())}`);
  }
  return { ...result, stdout: io.stdout(), stderr: io.stderr() };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null;
}

/** POST /graphql with a JSON body. */
export async function postGraphql(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return read(res);
}

export async function read(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let json: HttpResult['json'] = null;
  try {
    json = JSON.parse(text) as HttpResult['json'];
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Several server processes on one fresh database (MySQL/MariaDB: SQLite has one serving process by design),
 * started in `beforeAll` and stopped, with their database dropped, in `afterAll` of the calling describe.
 */
export function sharedDatabaseServers(count: number, env: Record<string, string>): { servers: RunningServer[]; database: ServerDatabase } {
  const shared = { servers: [] as RunningServer[], database: undefined as unknown as ServerDatabase };
  beforeAll(async () => {
    shared.database = await createServerDatabase();
    for (let i = 0; i < count; i++) shared.servers.push(await startServer(env, { database: shared.database }));
  });
  afterAll(async () => {
    for (const s of shared.servers) await s.dispose();
    await shared.database?.drop();
  });
  return shared;
}
