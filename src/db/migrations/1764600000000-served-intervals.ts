import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

interface RevisionRow {
  deployment_id: string;
  revision: number | string;
  /** Kept as the driver returns it and written back unchanged, so no time-zone or format conversion. */
  at: unknown;
}

interface TrafficRow {
  deployment_id: string;
  revision: number | string;
  version_id: string;
}

interface Interval {
  versionId: string;
  deploymentId: string;
  since: RevisionRow;
  until: RevisionRow | null;
}

/**
 * SERVED edges become serving intervals: `lineage_edge` gets `since_revision` (part of the key, 0 for every
 * other relation) and `ended_at`. Intervals are rebuilt from the deployments' revision history; a served edge
 * without history stays open from its creation unless its version is out of the current traffic. Models and
 * datasets gain CONTAINS edges to their versions.
 */
export class ServedIntervals1764600000000 implements MigrationInterface {
  name = 'ServedIntervals1764600000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('lineage_edge', 'IDX_lineage_edge_to');
    await qr.createTable(edgeTable('lineage_edge_next'), true);
    await qr.query(`INSERT INTO lineage_edge_next (from_id, to_id, relation, since_revision, role, created_at, ended_at)
      SELECT from_id, to_id, relation, 0, role, created_at, NULL FROM lineage_edge WHERE relation <> 'served'`);
    await copyIntervals(qr);
    await qr.query(`INSERT INTO lineage_edge_next (from_id, to_id, relation, since_revision, role, created_at, ended_at)
      SELECT model_id, id, 'contains', 0, NULL, created_at, NULL FROM model_version`);
    await qr.query(`INSERT INTO lineage_edge_next (from_id, to_id, relation, since_revision, role, created_at, ended_at)
      SELECT dataset_id, id, 'contains', 0, NULL, created_at, NULL FROM dataset_version`);
    await qr.dropTable('lineage_edge');
    await qr.renameTable('lineage_edge_next', 'lineage_edge');
  }

  async down(qr: QueryRunner): Promise<void> {
    // Back to one row per (version, deployment): the earliest interval, open.
    await qr.query(`DELETE FROM lineage_edge WHERE relation = 'contains'
      AND (from_id IN (SELECT id FROM model) OR from_id IN (SELECT id FROM dataset))`);
    await qr.query(`DELETE FROM lineage_edge WHERE relation = 'served' AND since_revision > (SELECT MIN(x.since_revision) FROM
      (SELECT * FROM lineage_edge) x WHERE x.relation = 'served' AND x.from_id = lineage_edge.from_id AND x.to_id = lineage_edge.to_id)`);
    await qr.dropIndex('lineage_edge', 'IDX_lineage_edge_to');
    await qr.renameTable('lineage_edge', 'lineage_edge_next');
    await qr.createTable(new Table({
      name: 'lineage_edge',
      columns: [
        { name: 'from_id', type: 'varchar', length: '40', isPrimary: true },
        { name: 'to_id', type: 'varchar', length: '40', isPrimary: true },
        { name: 'relation', type: 'varchar', length: '16', isPrimary: true },
        { name: 'role', type: 'varchar', length: '16', isNullable: true },
        { name: 'created_at', type: 'datetime', precision: 6, isNullable: false },
      ],
      indices: [{ name: 'IDX_lineage_edge_to', columnNames: ['to_id', 'from_id'] }],
    }), true);
    await qr.query(`INSERT INTO lineage_edge (from_id, to_id, relation, role, created_at)
      SELECT from_id, to_id, relation, role, created_at FROM lineage_edge_next`);
    await qr.dropTable('lineage_edge_next');
  }
}

function edgeTable(name: string): Table {
  return new Table({
    name,
    columns: [
      { name: 'from_id', type: 'varchar', length: '40', isPrimary: true },
      { name: 'to_id', type: 'varchar', length: '40', isPrimary: true },
      { name: 'relation', type: 'varchar', length: '16', isPrimary: true },
      { name: 'since_revision', type: 'integer', isPrimary: true },
      { name: 'role', type: 'varchar', length: '16', isNullable: true },
      { name: 'created_at', type: 'datetime', precision: 6, isNullable: false },
      { name: 'ended_at', type: 'datetime', precision: 6, isNullable: true },
    ],
    indices: [{ name: 'IDX_lineage_edge_to', columnNames: ['to_id', 'from_id', 'ended_at'] }],
  });
}

/** Replays each deployment's revisions: a version's interval opens where it enters the traffic and ends where it leaves. */
async function copyIntervals(qr: QueryRunner): Promise<void> {
  const revisions: RevisionRow[] = await qr.query('SELECT deployment_id, revision, at FROM deployment_revision ORDER BY deployment_id, revision');
  const traffic: TrafficRow[] = await qr.query('SELECT deployment_id, revision, version_id FROM deployment_traffic');
  const trafficOf = new Map<string, string[]>();
  for (const t of traffic) {
    const key = `${t.deployment_id}#${Number(t.revision)}`;
    trafficOf.set(key, [...(trafficOf.get(key) ?? []), t.version_id]);
  }
  const intervals: Interval[] = [];
  const open = new Map<string, Interval>();
  for (const r of revisions) {
    const serving = new Set(trafficOf.get(`${r.deployment_id}#${Number(r.revision)}`) ?? []);
    for (const [key, interval] of open) {
      if (interval.deploymentId === r.deployment_id && !serving.has(interval.versionId)) {
        interval.until = r;
        open.delete(key);
      }
    }
    for (const versionId of serving) {
      const key = `${versionId}#${r.deployment_id}`;
      if (open.has(key)) continue;
      const interval: Interval = { versionId, deploymentId: r.deployment_id, since: r, until: null };
      open.set(key, interval);
      intervals.push(interval);
    }
  }
  for (const i of intervals) {
    await qr.query(`INSERT INTO lineage_edge_next (from_id, to_id, relation, since_revision, role, created_at, ended_at)
      VALUES (?, ?, 'served', ?, NULL, ?, ?)`, [i.versionId, i.deploymentId, Number(i.since.revision), i.since.at, i.until?.at ?? null]);
  }
  // Served edges with no history behind them (written outside deploys): open from their creation while the
  // version is in the deployment's current traffic, else closed at the deployment's last change.
  await qr.query(`INSERT INTO lineage_edge_next (from_id, to_id, relation, since_revision, role, created_at, ended_at)
    SELECT e.from_id, e.to_id, 'served', 0, NULL, e.created_at,
      CASE WHEN EXISTS (SELECT 1 FROM deployment_traffic t WHERE t.deployment_id = d.id AND t.revision = d.revision AND t.version_id = e.from_id)
        THEN NULL ELSE d.updated_at END
    FROM lineage_edge e JOIN deployment d ON d.id = e.to_id
    WHERE e.relation = 'served' AND NOT EXISTS (SELECT 1 FROM lineage_edge_next n WHERE n.relation = 'served' AND n.from_id = e.from_id AND n.to_id = e.to_id)`);
}
