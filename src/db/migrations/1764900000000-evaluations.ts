import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Evaluations after registration: metrics (in `metric`, under the evaluation id) measured on a dataset version. */
export class Evaluations1764900000000 implements MigrationInterface {
  name = 'Evaluations1764900000000';

  async up(qr: QueryRunner): Promise<void> {
    const fk = (column: string, table: string) => ({
      columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION',
    });
    await qr.createTable(new Table({
      name: 'evaluation',
      columns: [
        { name: 'id', type: 'varchar', length: '40', isPrimary: true },
        { name: 'version_id', type: 'varchar', length: '40', isNullable: false },
        { name: 'dataset_version_id', type: 'varchar', length: '40', isNullable: false },
        { name: 'step', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'datetime', precision: 6, isNullable: false },
        { name: 'created_by', type: 'varchar', length: '200', isNullable: false },
      ],
      indices: [
        { name: 'IDX_evaluation_version', columnNames: ['version_id', 'id'] },
        { name: 'IDX_evaluation_dataset_version', columnNames: ['dataset_version_id', 'version_id'] },
      ],
      foreignKeys: [fk('version_id', 'model_version'), fk('dataset_version_id', 'dataset_version')],
    }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DELETE FROM metric WHERE entity_id IN (SELECT id FROM evaluation)`);
    await qr.dropTable('evaluation');
  }
}
