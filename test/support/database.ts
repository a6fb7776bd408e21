import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/**
 * Each test file gets its own database: `sqlite::memory:` by default, or a fresh database on the server
 * named by TEST_DATABASE_URL (created here, dropped by `drop`), so files can run in parallel.
 */
export interface TestDatabase {
  url: string;
  engine: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

declare const TEST_ENGINE: 'sqlite' | 'mysql' | undefined;

/** The jest project's engine (see jest.config.js): SQLite unless this is the MySQL/MariaDB project. */
export function testEngine(): 'sqlite' | 'mysql' {
  return typeof TEST_ENGINE !== 'undefined' && TEST_ENGINE === 'mysql' && process.env.TEST_DATABASE_URL ? 'mysql' : 'sqlite';
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server || testEngine() === 'sqlite') return { url: 'sqlite::memory:', engine: 'sqlite', drop: async () => undefined };
  const base = new URL(server);
  const name = `mg_test_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection({ uri: adminUri(base) });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    engine: 'mysql',
    drop: async () => {
      const conn = await createConnection({ uri: adminUri(base) });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

function adminUri(base: URL): string {
  const u = new URL(base.toString());
  u.protocol = 'mysql:';
  return u.toString();
}
