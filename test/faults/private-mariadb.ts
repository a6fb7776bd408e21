import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { freePort } from '../support/http';

const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/local/bin/mariadb-install-db'].find(existsSync);
const MARIADBD = ['/usr/sbin/mariadbd', '/usr/local/sbin/mariadbd', '/usr/bin/mariadbd'].find(existsSync);

/** Why a private server cannot be started here (the tests then skip, saying so), or undefined. */
export function privateMariadbMissing(): string | undefined {
  if (!INSTALL_DB || !MARIADBD) return 'mariadb-install-db / mariadbd not found: the MariaDB fault tests are skipped';
  if (process.getuid?.() !== 0) return 'the private mariadbd runs as the mysql user, which needs root: the MariaDB fault tests are skipped';
  return undefined;
}

/**
 * A MariaDB server of the test's own, in a temporary directory on a free port: it may be made read-only,
 * paused, killed and restarted without touching the shared server other tests and CI use. The app logs in
 * as `app`, a user without global privileges, so read_only applies to it.
 */
export class PrivateMariadb {
  private child: ChildProcess | undefined;

  private constructor(readonly dir: string, readonly port: number, private readonly args: string[]) {}

  /** `args`: extra mariadbd options, kept for every restart (e.g. `--log-bin`, `--server-id=2`). */
  static async start(args: string[] = []): Promise<PrivateMariadb> {
    const dir = mkdtempSync(join(tmpdir(), 'modelgraph-mariadb-'));
    const uid = Number(execFileSync('id', ['-u', 'mysql']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'mysql']).toString().trim());
    chownSync(dir, uid, gid);
    execFileSync(INSTALL_DB!, ['--user=mysql', `--datadir=${dir}/data`, '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'pipe', timeout: 120_000 });
    const server = new PrivateMariadb(dir, await freePort(), args);
    await server.up();
    const admin = await server.admin();
    try {
      await admin.query('CREATE DATABASE mg CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
      await admin.query("CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app'");
      await admin.query("GRANT ALL PRIVILEGES ON mg.* TO 'app'@'127.0.0.1'");
    } finally {
      await admin.end();
    }
    return server;
  }

  get url(): string {
    return `mysql://app:app@127.0.0.1:${this.port}/mg`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('the private mariadbd is not running');
    return this.child.pid;
  }

  /** Starts mariadbd on the data directory and waits until it answers (at most 60 s). */
  async up(): Promise<void> {
    const child = spawn(MARIADBD!, ['--no-defaults', '--user=mysql', `--datadir=${this.dir}/data`, `--port=${this.port}`, '--bind-address=127.0.0.1',
      `--socket=${this.dir}/s.sock`, `--pid-file=${this.dir}/m.pid`, '--innodb-buffer-pool-size=32M', '--skip-name-resolve', ...this.args], { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const c = await this.admin();
        await c.end();
        return;
      } catch {
        if (child.exitCode !== null) throw new Error(`the private mariadbd exited (${child.exitCode})`);
        if (Date.now() > deadline) throw new Error('the private mariadbd did not answer within 60 s');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Stops the server (SIGTERM to its own pid, SIGKILL after 30 s). */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /** Kills the server (SIGKILL, no shutdown) and waits for it to exit. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  admin(): Promise<Connection> {
    return createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 2_000 });
  }

  async sql<T = unknown>(statement: string): Promise<T> {
    const conn = await this.admin();
    try {
      const [rows] = await conn.query(statement);
      return rows as T;
    } finally {
      await conn.end();
    }
  }

  async dispose(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
