import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The lineage edge table, filled from the link tables that existed before it. */
export class LineageEdges1764300000000 implements MigrationInterface {
  name = 'LineageEdges1764300000000';

  async up(qr: QueryRunner): Promise<void> {
    const id = (name: string) => ({ name, type: 'varchar', length: '40', isPrimary: true });
    await qr.createTable(new Table({
      name: 'lineage_edge',
      columns: [
        id('from_id'), id('to_id'),
        { name: 'relation', type: 'varchar', length: '16', isPrimary: true },
        { name: 'role', type: 'varchar', length: '16', isNullable: true },
        { name: 'created_at', type: 'datetime', precision: 6, isNullable: false },
      ],
      indices: [{ name: 'IDX_lineage_edge_to', columnNames: ['to_id', 'from_id'] }],
    }), true);
    const insert = (select: string) =>
      qr.query(`INSERT INTO lineage_edge (from_id, to_id, relation, role, created_at) ${select}`);
    await insert(`SELECT r.experiment_id, r.id, 'contains', NULL, r.created_at FROM run r`);
    await insert(`SELECT ri.dataset_version_id, ri.run_id, 'consumed', NULL, r.created_at FROM run_input ri JOIN run r ON r.id = ri.run_id`);
    await insert(`SELECT mv.run_id, mv.id, 'produced', NULL, mv.created_at FROM model_version mv WHERE mv.run_id IS NOT NULL`);
    await insert(`SELECT mv.parent_id, mv.id, 'parent_of', NULL, mv.created_at FROM model_version mv WHERE mv.parent_id IS NOT NULL`);
    await insert(`SELECT d.dataset_version_id, d.model_version_id, 'trained_on', d.role, mv.created_at
      FROM model_version_dataset d JOIN model_version mv ON mv.id = d.model_version_id`);
    await insert(`SELECT s.source_id, s.dataset_version_id, 'derived', NULL, dv.created_at
      FROM dataset_version_source s JOIN dataset_version dv ON dv.id = s.dataset_version_id`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('lineage_edge', true);
  }
}
