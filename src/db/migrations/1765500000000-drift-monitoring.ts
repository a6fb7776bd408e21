import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const id = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '40', isNullable: nullable });
const metric = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '250', isNullable: false });
const at = (name: string): TableColumnOptions => ({ name, type: 'datetime', precision: 6, isNullable: false });
const restrict = (column: string, table: string) =>
  ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' });

/**
 * Drift monitoring: production metric samples of deployments (recordDeploymentMetrics), drift policies per
 * (deployment, metric) and the last judged state per (deployment, served version, metric).
 */
export class DriftMonitoring1765500000000 implements MigrationInterface {
  name = 'DriftMonitoring1765500000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'deployment_metric_sample',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        id('deployment_id'), id('version_id', true), metric('key'), { name: 'value', type: 'double', isNullable: false }, at('at'),
      ],
      foreignKeys: [restrict('deployment_id', 'deployment'), restrict('version_id', 'model_version')],
      indices: [
        { name: 'IDX_deployment_metric_sample_latest', columnNames: ['deployment_id', 'version_id', 'key', 'at', 'id'] },
        { name: 'IDX_deployment_metric_sample_at', columnNames: ['at'] },
      ],
    }), true);
    await qr.createTable(new Table({
      name: 'drift_policy',
      columns: [
        { ...id('deployment_id'), isPrimary: true }, { ...metric('metric'), isPrimary: true },
        { name: 'baseline', type: 'double', isNullable: true },
        { name: 'max_relative_drop', type: 'double', isNullable: false },
        { name: 'higher_is_better', type: 'boolean', isNullable: false },
        { name: 'sample_window', type: 'integer', isNullable: false },
        { name: 'updated_by', type: 'varchar', length: '200', isNullable: false }, at('updated_at'),
      ],
      foreignKeys: [restrict('deployment_id', 'deployment')],
    }), true);
    await qr.createTable(new Table({
      name: 'drift_state',
      columns: [
        { ...id('deployment_id'), isPrimary: true }, { ...id('version_id'), isPrimary: true }, { ...metric('metric'), isPrimary: true },
        { name: 'drifting', type: 'boolean', isNullable: false }, at('changed_at'),
      ],
      foreignKeys: [restrict('deployment_id', 'deployment'), restrict('version_id', 'model_version')],
    }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('drift_state');
    await qr.dropTable('drift_policy');
    await qr.dropTable('deployment_metric_sample');
  }
}
