import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServerDatabase } from './common';

const HOST = '127.0.0.1';

/** A port the kernel just handed out on loopback (free unless something grabs it in the next instant). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, HOST);
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

export interface BenchDatabase {
  url: string;
  /** What to print: never the credentials. */
  label: string;
  drop(): Promise<void>;
}

/**
 * sqlite:<temp file> by default. A mysql:// or mariadb:// BENCH_DATABASE_URL names a server: a fresh database
 * is created there for the run and dropped afterwards. A sqlite: URL is used as given.
 */
export async function createBenchDatabase(workDir: string, serverUrl?: string): Promise<BenchDatabase> {
  if (!serverUrl) {
    const file = join(workDir, 'bench.db');
    return { url: `sqlite:${file}`, label: `sqlite:${file}`, drop: async () => undefined };
  }
  if (serverUrl.startsWith('sqlite:')) return { url: serverUrl, label: serverUrl, drop: async () => undefined };
  return createServerDatabase(serverUrl, 'mg_bench');
}

/** The Node options of the package's start script (`node <options> dist/src/main.js`). */
function startOptions(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

export interface RunningServer {
  url: string;
  readyUrl: string;
  logFile: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts `node dist/src/main.js` on loopback and waits for GET /ready; the server's output goes to a log file. */
export async function startServer(options: { databaseUrl: string; adminToken: string; workDir: string; readyTimeoutMs?: number }): Promise<RunningServer> {
  const port = await freePort();
  const main = resolve(__dirname, '../src/main.js');
  const logFile = join(options.workDir, 'server.log');
  const log = createWriteStream(logFile);
  await once(log, 'open');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST,
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    REGISTRY_ADMIN_TOKEN: options.adminToken,
    LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn',
  };
  // The Node options `npm start` gives the server (its heap bound), then BENCH_SERVER_NODE_ARGS, e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
  const nodeArgs = [...startOptions(), ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, main], { env, stdio: ['ignore', log, log] });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));

  const server: RunningServer = {
    url: `http://${HOST}:${port}/graphql`,
    readyUrl: `http://${HOST}:${port}/ready`,
    logFile,
    pid: child.pid,
    stop: () => stopChild(child, exited).finally(() => log.close()),
  };
  try {
    await waitUntilReady(server.readyUrl, exited, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await server.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- server log (tail) ---\n${tail(logFile)}`);
  }
  return server;
}

async function waitUntilReady(url: string, exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state: { gone?: { code: number | null; signal: NodeJS.Signals | null } } = {};
  void exited.then((e) => {
    state.gone = e;
  });
  while (Date.now() < deadline) {
    if (state.gone) {
      const { code, signal } = state.gone;
      throw new Error(`the server exited before it was ready (${signal ?? `exit code ${code}`})`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s (${url})`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The bare Apollo Server reference (bench/bare-apollo.ts) as its own process on a free loopback port. */
export async function startBareApollo(): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(__dirname, 'bare-apollo.js'), String(port)], {
    env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const stop = () => stopChild(child, exited);
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) ok(out.trim());
    });
    void exited.then(() => fail(new Error('the bare Apollo server exited before it listened')));
    setTimeout(() => fail(new Error('the bare Apollo server did not start within 20 s')), 20_000).unref();
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, pid: child.pid, stop };
}

export function tail(file: string, lines = 30): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text ? text.split('\n').slice(-lines).join('\n') : '(empty)';
  } catch {
    return '(no log)';
  }
}

export function makeWorkDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'modelgraph-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
