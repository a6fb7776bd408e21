import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-model metric directions (`setMetricDirection`), and each version's effective hyperparameters (its
 * own, else its run's params) stored at registration so search, comparison and reproducibility read one
 * column; existing versions are backfilled by the same rule.
 */
export class MetricDirections1765400000000 implements MigrationInterface {
  name = 'MetricDirections1765400000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'metric_direction',
      columns: [
        { name: 'model_id', type: 'varchar', length: '40', isPrimary: true },
        { name: 'key', type: 'varchar', length: '250', isPrimary: true },
        { name: 'higher_is_better', type: 'boolean', isNullable: false },
        { name: 'updated_by', type: 'varchar', length: '200', isNullable: false },
        { name: 'updated_at', type: 'datetime', precision: 6, isNullable: false },
      ],
      foreignKeys: [{ columnNames: ['model_id'], referencedTableName: 'model', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' }],
    }), true);
    await qr.addColumn('model_version', new TableColumn({ name: 'effective_hyperparameters', type: 'json', isNullable: true }));
    // The rule of effectiveHyperparameters(): the version's own (a complete statement, no merge), else its run's params.
    await qr.query(`UPDATE model_version SET effective_hyperparameters =
      COALESCE(hyperparameters, (SELECT r.params FROM run r WHERE r.id = model_version.run_id))`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('model_version', 'effective_hyperparameters');
    await qr.dropTable('metric_direction');
  }
}
