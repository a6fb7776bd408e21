import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** A whole-number setting from the environment, with bounds; a bad value stops the benchmark clearly. */
export function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export interface ServerDatabase {
  url: string;
  label: string;
  drop(): Promise<void>;
}

/** A fresh database named `<prefix>_<random>` on a MySQL/MariaDB server; `drop` removes it (once). */
export async function createServerDatabase(serverUrl: string, prefix: string): Promise<ServerDatabase> {
  const base = new URL(serverUrl);
  if (base.protocol !== 'mysql:' && base.protocol !== 'mariadb:') {
    throw new Error('BENCH_DATABASE_URL must be mysql://user:pass@host:3306/, mariadb://… or sqlite:PATH');
  }
  const admin = new URL(base.toString());
  admin.protocol = 'mysql:';
  admin.pathname = '/';
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const conn = await createConnection({ uri: admin.toString(), connectTimeout: 5_000 });
    try {
      await conn.query(sql);
    } finally {
      await conn.end();
    }
  };
  await run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    label: `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}${url.pathname}`,
    drop: async () => {
      if (dropped) return;
      await run(`DROP DATABASE IF EXISTS \`${name}\``);
      dropped = true;
    },
  };
}

/** Clean-up steps of a bench run, taken in reverse order when it ends. */
export type CleanUps = (() => Promise<unknown> | void)[];

/**
 * Runs a bench's `main` and exits with its status (1 if it threw); the clean-up steps run in reverse order
 * at the end, and also on Ctrl-C or SIGTERM (databases it created are dropped, servers stopped).
 */
export function runBench(name: string, cleanups: CleanUps, main: () => Promise<number>): void {
  const cleanUp = async (): Promise<void> => {
    for (const step of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => console.error(`clean-up: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(code));
    });
  }
  main()
    .catch((error: unknown) => {
      console.error(`${name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return 1;
    })
    .then(async (code) => {
      await cleanUp();
      process.exit(code);
    });
}
