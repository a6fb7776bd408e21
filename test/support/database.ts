import { randomBytes } from 'node:crypto';
import { copyTemplate, templateForRun, withAdmin } from './template';

/**
 * Each test file gets its own database: `sqlite::memory:` by default, or a fresh database on the server
 * named by TEST_DATABASE_URL (created here, dropped by `drop`), so files can run in parallel.
 */
export interface TestDatabase {
  url: string;
  engine: 'sqlite' | 'mysql';
  /** The migrated template this database was copied from (MySQL/MariaDB with `fromTemplate`), else undefined. */
  template?: string;
  drop(): Promise<void>;
}

declare const TEST_ENGINE: 'sqlite' | 'mysql' | undefined;

/** The jest project's engine (see jest.config.js): SQLite unless this is the MySQL/MariaDB project. */
export function testEngine(): 'sqlite' | 'mysql' {
  return typeof TEST_ENGINE !== 'undefined' && TEST_ENGINE === 'mysql' && process.env.TEST_DATABASE_URL ? 'mysql' : 'sqlite';
}

export interface TestDatabaseOptions {
  /**
   * On MySQL/MariaDB, start as a copy of this run's template: an empty database that the real migrations
   * brought up to date once (see test/support/template.ts), so the app's own migration run at start finds
   * nothing pending. Without it (and on SQLite, whose in-memory migration takes well under 0.1 s) the
   * database starts empty.
   */
  fromTemplate?: boolean;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server || testEngine() === 'sqlite') return { url: 'sqlite::memory:', engine: 'sqlite', drop: async () => undefined };
  const base = new URL(server);
  const template = options.fromTemplate ? await templateForRun(base) : undefined;
  const name = `mg_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(base, async (admin) => {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    if (template) await copyTemplate(admin, template, name);
  });
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    engine: 'mysql',
    template,
    drop: () => withAdmin(base, async (admin) => void (await admin.query(`DROP DATABASE IF EXISTS \`${name}\``))),
  };
}
