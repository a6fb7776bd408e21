import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { ensureBuilt, freePort, MAIN, ROOT } from '../support/http';

/** The compiled server as a child process, optionally under a file-size limit (`ulimit -f`, KiB). */
export interface Child {
  url: string;
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, wait for the exit. */
  stop(): Promise<number | null>;
}

export async function spawnServer(databaseUrl: string, options: { fileSizeKiB?: number; env?: Record<string, string> } = {}): Promise<Child> {
  ensureBuilt();
  const port = await freePort();
  const limit = options.fileSizeKiB ? `ulimit -f ${options.fileSizeKiB}; ` : '';
  const child = spawn('bash', ['-c', `${limit}exec "${process.execPath}" "${MAIN}"`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`the server exited before /ready:\n${output.slice(-3_000)}`);
    const status = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready within 30 s:\n${output.slice(-3_000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    exited,
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface HttpOutcome {
  id?: string;
  code?: string;
}

/** POST one mutation; the acknowledged id, or the error code (NETWORK when no answer came). */
export async function postWrite(url: string, query: string, variables: Record<string, unknown>): Promise<HttpOutcome> {
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await res.json()) as { data?: Record<string, { id: string } | null> | null; errors?: { extensions?: { code?: string } }[] };
    if (body.errors?.length) return { code: String(body.errors[0].extensions?.code) };
    const value = Object.values(body.data ?? {})[0];
    return value?.id ? { id: value.id } : { code: 'NO_DATA' };
  } catch {
    return { code: 'NETWORK' };
  }
}

/** Ids of model versions and experiments in a SQLite file (after checking its integrity). */
export function storedIds(file: string): Set<string> {
  const db = new Database(file, { fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity_check: ${String(check)}`);
    const rows = [...db.prepare('SELECT id FROM model_version').all(), ...db.prepare('SELECT id FROM experiment').all()] as { id: string }[];
    return new Set(rows.map((r) => r.id));
  } finally {
    db.close();
  }
}
