/**
 * `npm run bench:search-plan [-- --scale 1000000]`: seeds `scale` model versions (default 100,000), each
 * with an `acc` and a `loss` registration metric and an evaluation on a test set, by direct inserts; prints the
 * engine's plans for a metric-threshold search ordered by that metric (and with an evaluation threshold, and ordered
 * by the evaluation metric) (SQLite EXPLAIN QUERY PLAN, MariaDB EXPLAIN) and times
 * the first page through the GraphQL layer (median of 10 runs after 2 warm-ups).
 *
 * BENCH_DATABASE_URL: mysql://…/ or mariadb://… (a fresh database there, dropped after), sqlite:PATH (a new
 * file, deleted after); unset: a temporary SQLite file.
 */
import 'reflect-metadata';
import { pino } from 'pino';
import { RegistryApp } from '../src/app';
import { defaultQueryLimits } from '../src/config';
import { createLineageBenchDatabase } from './lineage/database';
import type { ModelVersionSearch } from '../src/model-version/search.inputs';
import { BENCH_TEST_SET, explainSearch, PLAN_EVALUATION_FILTER, PLAN_EVALUATION_ORDER_FILTER, PLAN_FILTER, seedSearchVersions } from './search/plan';

const SEARCH = `query($f: ModelVersionSearch, $on: ID) {
  modelVersions(filter: $f, orderBy: { field: METRIC, metricKey: "acc", datasetVersionId: $on, direction: DESC }, first: 20) { nodes { id } } }`;

/** Each search: its filter, the dataset version its order comes from (null: registration metrics). */
const CASES: [label: string, filter: ModelVersionSearch | null, orderDataset: string | null][] = [
  ['orderBy acc DESC', PLAN_FILTER, null],
  ['orderBy acc DESC, with an evaluation threshold', PLAN_EVALUATION_FILTER, null],
  [`orderBy acc on ${BENCH_TEST_SET} DESC`, PLAN_EVALUATION_ORDER_FILTER, BENCH_TEST_SET],
  [`orderBy acc on ${BENCH_TEST_SET} DESC, no filter`, null, BENCH_TEST_SET],
];

function scaleArg(): number {
  const i = process.argv.indexOf('--scale');
  const scale = i < 0 ? 100_000 : Number(process.argv[i + 1]);
  if (!Number.isInteger(scale) || scale < 1 || scale > 10_000_000) throw new Error('--scale must be a whole number from 1 to 10,000,000');
  return scale;
}

async function main(): Promise<void> {
  const scale = scaleArg();
  const database = await createLineageBenchDatabase(process.env.BENCH_DATABASE_URL || 'sqlite:');
  const app = await RegistryApp.create({ databaseUrl: database.url, limits: defaultQueryLimits(), log: pino({ level: 'silent' }) });
  try {
    const model = await app.apollo.executeOperation({ query: 'mutation { registerModel(input: { name: "bench-search" }) { id } }' },
      { contextValue: await app.context({ headers: {} }) });
    const modelId = (model.body.kind === 'single' ? model.body.singleResult.data?.registerModel as { id: string } : null)!.id;
    let started = Date.now();
    await seedSearchVersions(app.db, modelId, scale);
    await app.db.manager.query(app.db.engine === 'sqlite' ? 'ANALYZE' : 'ANALYZE TABLE metric, model_version, evaluation');
    console.log(`${database.label}: ${scale} versions, ${scale} evaluations, ${3 * scale} metric rows seeded in ${Date.now() - started} ms`);
    for (const [label, filter, orderDataset] of CASES) {
      console.log(`filter ${JSON.stringify(filter)}, ${label}, first 20; plan:`);
      for (const line of await explainSearch(app.db, filter, orderDataset)) console.log(`  ${line}`);
      const times: number[] = [];
      for (let run = 0; run < 12; run++) {
        started = performance.now();
        const result = await app.apollo.executeOperation({ query: SEARCH, variables: { f: filter, on: orderDataset } }, { contextValue: await app.context({ headers: {} }) });
        if (result.body.kind !== 'single' || result.body.singleResult.errors) throw new Error(JSON.stringify(result.body));
        if (run >= 2) times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(`first page: median ${times[5].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
    }
  } finally {
    await app.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
