import { DataSource } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import { dataSourceOptions, detectFlavor, parseDatabaseUrl } from '../../src/db/data-source';
import { MIGRATIONS } from '../../src/db/migrations';
import { ServedIntervals1764600000000 } from '../../src/db/migrations/1764600000000-served-intervals';
import { rawDate } from '../../src/lineage/lineage.service';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The served-intervals migration on a database written by the previous schema: one `served` row per
 * (version, deployment) becomes one interval per serving period, rebuilt from the revision history.
 */
describe('migration: served edges → serving intervals, CONTAINS edges for versions', () => {
  let database: TestDatabase;
  let ds: DataSource;
  const t0 = Date.parse('2026-11-01T10:00:00.000Z');
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  const iso = (minutes: number) => at(minutes).toISOString();

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = await detectFlavor(parseDatabaseUrl(database.url));
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(ServedIntervals1764600000000));
    ds = new DataSource({ ...dataSourceOptions(target, []), migrations: before });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const date = (m: number) => (ds.options.type === 'better-sqlite3' ? DateUtils.mixedDateToUtcDatetimeString(at(m)) : at(m));
    const insert = (table: string, row: Record<string, unknown>) => ds.query(
      `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`, Object.values(row));
    const stamps = (m: number) => ({ created_at: date(m), updated_at: date(m) });
    await insert('model', { id: 'mdl_a', name: 'a', versioning_scheme: 'INTEGER', version_count: 3, ...stamps(0) });
    for (const [i, m] of [[1, 1], [2, 2], [3, 3]]) {
      await insert('model_version', { id: `mv_${i}`, model_id: 'mdl_a', version: String(i), sequence: i, stage: 'NONE', artifact_uri: 's3://m', created_by: 't', ...stamps(m) });
    }
    await insert('dataset', { id: 'ds_a', name: 'a', version_count: 1, ...stamps(0) });
    await insert('dataset_version', { id: 'dsv_1', dataset_id: 'ds_a', version: '1', sequence: 1, uri: 's3://d', digest: 'sha256:x', created_by: 't', ...stamps(4) });
    const deployment = async (id: string, revision: number, status: string, updated: number, history: [number, number, string[]][]) => {
      await insert('deployment', { id, name: id, model_id: 'mdl_a', environment: 'prod', status, revision, created_at: date(5), updated_at: date(updated) });
      for (const [rev, m, versions] of history) {
        await insert('deployment_revision', { deployment_id: id, revision: rev, kind: 'DEPLOY', actor: 't', at: date(m) });
        for (const v of versions) await insert('deployment_traffic', { deployment_id: id, revision: rev, version_id: v, percent: Math.floor(100 / versions.length) });
      }
    };
    // dep_a: v1; v1 + v2 (canary); v1; v1 + v2 again (rollback). dep_b: v3, then retired. dep_c: an edge without history.
    await deployment('dep_a', 4, 'ACTIVE', 40, [[1, 10, ['mv_1']], [2, 20, ['mv_1', 'mv_2']], [3, 30, ['mv_1']], [4, 40, ['mv_1', 'mv_2']]]);
    await deployment('dep_b', 2, 'RETIRED', 60, [[1, 50, ['mv_3']], [2, 60, []]]);
    await deployment('dep_c', 0, 'ACTIVE', 70, []);
    const edge = (from: string, to: string, relation: string, m: number) => insert('lineage_edge', { from_id: from, to_id: to, relation, role: null, created_at: date(m) });
    await edge('mv_1', 'dep_a', 'served', 10);
    await edge('mv_2', 'dep_a', 'served', 20);
    await edge('mv_3', 'dep_b', 'served', 50);
    await edge('mv_3', 'dep_c', 'served', 65);
    await edge('mv_1', 'mv_2', 'parent_of', 2);

    const qr = ds.createQueryRunner();
    try {
      await new ServedIntervals1764600000000().up(qr);
    } finally {
      await qr.release();
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await database?.drop();
  });

  const rows = async (where: string) => {
    const found: { from_id: string; to_id: string; relation: string; since_revision: number | string; created_at: Date | string; ended_at: Date | string | null }[] =
      await ds.query(`SELECT from_id, to_id, relation, since_revision, created_at, ended_at FROM lineage_edge WHERE ${where} ORDER BY to_id, from_id, since_revision`);
    return found.map((r) => [r.from_id, r.to_id, Number(r.since_revision), rawDate(r.created_at).toISOString(), r.ended_at == null ? null : rawDate(r.ended_at).toISOString()]);
  };

  it('rebuilds one interval per serving period from the revision history', async () => {
    expect(await rows("relation = 'served'")).toEqual([
      ['mv_1', 'dep_a', 1, iso(10), null],
      ['mv_2', 'dep_a', 2, iso(20), iso(30)],
      ['mv_2', 'dep_a', 4, iso(40), null],
      ['mv_3', 'dep_b', 1, iso(50), iso(60)],
      // No history: opened at its creation, closed at the deployment's last change (not in its traffic).
      ['mv_3', 'dep_c', 0, iso(65), iso(70)],
    ]);
  });

  it('keeps other edges as they were and adds CONTAINS edges at each version\'s creation', async () => {
    expect(await rows("relation = 'parent_of'")).toEqual([['mv_1', 'mv_2', 0, iso(2), null]]);
    expect(await rows("relation = 'contains'")).toEqual([
      ['ds_a', 'dsv_1', 0, iso(4), null],
      ['mdl_a', 'mv_1', 0, iso(1), null], ['mdl_a', 'mv_2', 0, iso(2), null], ['mdl_a', 'mv_3', 0, iso(3), null],
    ]);
  });

  it('can be reverted: one served row per (version, deployment) again', async () => {
    const qr = ds.createQueryRunner();
    try {
      await new ServedIntervals1764600000000().down(qr);
      const back: { from_id: string; to_id: string; relation: string }[] = await ds.query('SELECT from_id, to_id, relation FROM lineage_edge ORDER BY relation, to_id, from_id');
      expect(back.map((r) => `${r.relation} ${r.from_id}→${r.to_id}`)).toEqual([
        'parent_of mv_1→mv_2', 'served mv_1→dep_a', 'served mv_2→dep_a', 'served mv_3→dep_b', 'served mv_3→dep_c',
      ]);
    } finally {
      await qr.release();
    }
  });
});
