import type { Database } from '../../src/db/database';
import { SortDirection } from '../../src/common/pagination';
import { metricSearchQuery } from '../../src/model-version/model-version.search';
import type { ModelVersionSearch } from '../../src/model-version/search.inputs';

/** Rows per statement: each stays well under the driver's inactivity timeout. */
const CHUNK = 100_000;

/** The dataset version the seeded versions were evaluated on. */
export const BENCH_TEST_SET = 'dsv_bench_test';

/**
 * Inserts `count` versions of one model by direct inserts (recursive sequences, 100,000 rows a statement), each with an `acc` and a
 * `loss` registration metric spread over [0, 1), and one evaluation on BENCH_TEST_SET with an `acc` point: the data a search plan is
 * read against.
 */
export async function seedSearchVersions(db: Database, modelId: string, count: number): Promise<void> {
  const nowSql = db.engine === 'sqlite' ? `strftime('%Y-%m-%d %H:%M:%f', 'now')` : 'NOW(6)';
  await db.manager.query(`INSERT INTO dataset (id, name, version_count, created_at, updated_at) VALUES ('ds_bench', 'bench-test-set', 1, ${nowSql}, ${nowSql})`);
  await db.manager.query(`INSERT INTO dataset_version (id, dataset_id, version, sequence, uri, digest, created_by, created_at, updated_at)
    VALUES ('${BENCH_TEST_SET}', 'ds_bench', '1', 1, 's3://bench/test', 'sha256:bench', 'bench', ${nowSql}, ${nowSql})`);
  for (let from = 1; from <= count; from += CHUNK) await seedChunk(db, modelId, from, Math.min(count, from + CHUNK - 1));
}

async function seedChunk(db: Database, modelId: string, from: number, to: number): Promise<void> {
  const sqlite = db.engine === 'sqlite';
  const pad = sqlite ? `printf('%09d', n)` : `LPAD(n, 9, '0')`;
  const nowSql = sqlite ? `strftime('%Y-%m-%d %H:%M:%f', 'now')` : 'NOW(6)';
  const seq = `WITH RECURSIVE s(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM s WHERE n < ${to})`;
  const insert = (table: string, columns: string, select: string) =>
    sqlite ? `${seq} INSERT INTO ${table} (${columns}) ${select}` : `INSERT INTO ${table} (${columns}) ${seq} ${select}`;
  const id = sqlite ? `'mv_bench' || ${pad}` : `CONCAT('mv_bench', ${pad})`;
  const key = db.manager.connection.driver.escape('key');
  await db.manager.transaction(async (em) => {
    // MariaDB stops a recursive CTE after 1,000 rows by default; this session only.
    if (!sqlite) await em.query(`SET SESSION max_recursive_iterations = ${CHUNK + 1}`);
    await em.query(insert('model_version', 'id, created_at, updated_at, model_id, version, sequence, stage, artifact_uri, created_by',
      `SELECT ${id}, ${nowSql}, ${nowSql}, '${modelId}', ${sqlite ? `'' || n` : 'CONCAT(n)'}, n,
        CASE WHEN n % 10 = 0 THEN 'STAGING' ELSE 'NONE' END, 's3://bench/a', 'bench' FROM s`));
    for (const [name, mult] of [['acc', 7919], ['loss', 104729]] as const) {
      await em.query(insert('metric', `entity_id, ${key}, value`, `SELECT ${id}, '${name}', (n * ${mult} % 100000) / 100000.0 FROM s`));
    }
    const evaluation = sqlite ? `'ev_bench' || ${pad}` : `CONCAT('ev_bench', ${pad})`;
    await em.query(insert('evaluation', 'id, version_id, dataset_version_id, created_at, created_by',
      `SELECT ${evaluation}, ${id}, '${BENCH_TEST_SET}', ${nowSql}, 'bench' FROM s`));
    await em.query(insert('metric', `entity_id, ${key}, value, step`, `SELECT ${evaluation}, 'acc', (n * 15485863 % 100000) / 100000.0, 1 FROM s`));
  });
}

/** A metric-threshold search ordered by that metric, the first page: the statement clients run most. */
export const PLAN_FILTER: ModelVersionSearch = { metrics: [{ key: 'acc', gte: 0.9 }, { key: 'loss', lt: 0.5 }] };

/** PLAN_FILTER and a threshold on the test set's evaluations (ordered by registration acc). */
export const PLAN_EVALUATION_FILTER: ModelVersionSearch = {
  metrics: [{ key: 'acc', gte: 0.9 }, { key: 'acc', gte: 0.5, datasetVersionId: BENCH_TEST_SET }, { key: 'loss', lt: 0.5 }],
};

/** A threshold on acc on the test set and on registration loss, ordered by acc on the test set. */
export const PLAN_EVALUATION_ORDER_FILTER: ModelVersionSearch = {
  metrics: [{ key: 'acc', gte: 0.9, datasetVersionId: BENCH_TEST_SET }, { key: 'loss', lt: 0.5 }],
};

/**
 * The engine's plan for a search ordered by `acc` (registration, or on `orderDataset`'s evaluations): SQLite EXPLAIN QUERY PLAN
 * details, MariaDB EXPLAIN rows (table, type, key, rows, Extra).
 */
export async function explainSearch(db: Database, filter: ModelVersionSearch | null = PLAN_FILTER, orderDataset: string | null = null): Promise<string[]> {
  const qb = metricSearchQuery(db, filter, 'acc', SortDirection.DESC, { size: 20, backward: false, after: null, before: null }, orderDataset);
  const [sql, params] = qb.getQueryAndParameters();
  if (db.engine === 'sqlite') {
    const rows: { detail: string }[] = await db.manager.query(`EXPLAIN QUERY PLAN ${sql}`, params);
    return rows.map((r) => r.detail);
  }
  const rows: Record<string, unknown>[] = await db.manager.query(`EXPLAIN ${sql}`, params);
  return rows.map((r) => `${String(r.id)} ${String(r.select_type)} table=${String(r.table)} type=${String(r.type)} key=${String(r.key)} rows=${String(r.rows)} ${String(r.Extra ?? '')}`);
}
