import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from './server';

/**
 * The peer of `--peer`: PostGraphile 4 over PostgreSQL, serving the nested-read shape from tables laid out so
 * that shape maps 1:1 (model → model_version → metric, model_version_dataset → dataset_version → dataset).
 * PostGraphile lives in bench/peer/ (its own package.json, installed there on first use, node_modules
 * ignored by git); the rows are copied from the bench's MariaDB database, so both serve the same data.
 */
const PEER_DIR = resolve(__dirname, '../../bench/peer');

/** The same shape as the nested-list scenario, in PostGraphile's generated names. */
export const PEER_NESTED = `query PeerNested {
  allModels(first: 20, orderBy: NAME_ASC) { nodes { name modelVersionsByModelId(first: 10, orderBy: SEQUENCE_DESC) { nodes { version
    metricsByModelVersionId { nodes { key value } }
    modelVersionDatasetsByModelVersionId { nodes { datasetVersionByDatasetVersionId { digest datasetByDatasetId { name } } } } } } } }
}`;

export interface Peer {
  url: string;
  pid: number | undefined;
  nestedBody: () => string;
  stop(): Promise<void>;
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, parameters?: unknown[]): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}
interface PgModule {
  Client: new (config: { connectionString: string }) => PgClient;
}

function install(log: (line: string) => void): void {
  if (existsSync(join(PEER_DIR, 'node_modules', 'postgraphile', 'package.json'))) return;
  log(`  installing PostGraphile into ${PEER_DIR} (first use)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm install --prefix ${PEER_DIR} failed`);
}

const TABLES = [
  'CREATE TABLE dataset (id text PRIMARY KEY, name text NOT NULL UNIQUE)',
  'CREATE TABLE dataset_version (id text PRIMARY KEY, dataset_id text NOT NULL REFERENCES dataset (id), sequence integer NOT NULL, digest text NOT NULL, uri text NOT NULL)',
  'CREATE INDEX ON dataset_version (dataset_id)',
  'CREATE TABLE model (id text PRIMARY KEY, name text NOT NULL UNIQUE)',
  'CREATE TABLE model_version (id text PRIMARY KEY, model_id text NOT NULL REFERENCES model (id), version text NOT NULL, sequence integer NOT NULL, UNIQUE (model_id, sequence))',
  'CREATE TABLE metric (id integer PRIMARY KEY, model_version_id text NOT NULL REFERENCES model_version (id), key text NOT NULL, value double precision NOT NULL)',
  'CREATE INDEX ON metric (model_version_id)',
  'CREATE TABLE model_version_dataset (model_version_id text NOT NULL REFERENCES model_version (id), dataset_version_id text NOT NULL REFERENCES dataset_version (id), role text NOT NULL, PRIMARY KEY (model_version_id, dataset_version_id))',
  'CREATE INDEX ON model_version_dataset (dataset_version_id)',
];

/** table → the MariaDB SELECT whose columns, in order, fill it. */
const COPIES: [string, string][] = [
  ['dataset (id, name)', 'SELECT id, name FROM dataset'],
  ['dataset_version (id, dataset_id, sequence, digest, uri)', 'SELECT id, dataset_id, sequence, digest, uri FROM dataset_version'],
  ['model (id, name)', 'SELECT id, name FROM model'],
  ['model_version (id, model_id, version, sequence)', 'SELECT id, model_id, version, sequence FROM model_version'],
  ['metric (id, model_version_id, key, value)', "SELECT id, entity_id, `key`, value FROM metric WHERE entity_id LIKE 'mv\\_%'"],
  ['model_version_dataset (model_version_id, dataset_version_id, role)', 'SELECT model_version_id, dataset_version_id, role FROM model_version_dataset'],
];

async function copyRows(pg: PgClient, mariadbUrl: string): Promise<number> {
  const source = await createConnection({ uri: mariadbUrl });
  let copied = 0;
  try {
    for (const [table, select] of COPIES) {
      const [rows] = await source.query({ sql: select, rowsAsArray: true });
      const list = rows as unknown[][];
      for (let i = 0; i < list.length; i += 1000) {
        const chunk = list.slice(i, i + 1000);
        const width = chunk[0].length;
        const values = chunk.map((_, r) => `(${Array.from({ length: width }, (__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
        await pg.query(`INSERT INTO ${table} VALUES ${values}`, chunk.flat());
      }
      copied += list.length;
    }
  } finally {
    await source.end();
  }
  return copied;
}

export async function startPeer(peerUrl: string, mariadbUrl: string, log: (line: string) => void): Promise<Peer> {
  install(log);
  const pg = createRequire(join(PEER_DIR, 'package.json'))('pg') as PgModule;
  const admin = new pg.Client({ connectionString: peerUrl });
  await admin.connect();
  const name = `mg_bench_peer_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(peerUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      for (const sql of TABLES) await db.query(sql);
      const rows = await copyRows(db, mariadbUrl);
      await db.query('ANALYZE');
      log(`  PostgreSQL ${url.host}/${name}: ${rows} rows copied`);
    } finally {
      await db.end();
    }
    const port = await freePort();
    const cli = join(PEER_DIR, 'node_modules', 'postgraphile', 'cli.js');
    child = spawn(process.execPath, [cli, '-c', url.toString(), '--host', '127.0.0.1', '--port', String(port), '--schema', 'public',
      '--disable-query-log', '--disable-default-mutations'], { env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = once(child, 'exit');
    const endpoint = `http://127.0.0.1:${port}/graphql`;
    await waitForGraphQL(endpoint, exited);
    const running = child;
    return {
      url: endpoint,
      pid: running.pid,
      nestedBody: () => JSON.stringify({ query: PEER_NESTED }),
      stop: async () => {
        if (running.exitCode === null && running.signalCode === null) {
          running.kill('SIGTERM');
          await exited;
        }
        await drop();
      },
    };
  } catch (error) {
    child?.kill('SIGKILL');
    await drop().catch(() => undefined);
    throw error;
  }
}

async function waitForGraphQL(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PEER_NESTED }) });
      const text = await response.text();
      if (response.ok && !text.includes('"errors"')) return;
      if (response.ok) throw new Error(`PostGraphile rejected the nested query: ${text.slice(0, 500)}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('PostGraphile')) throw error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(gone ? 'PostGraphile exited before it answered' : 'PostGraphile did not answer within 60 s');
}
