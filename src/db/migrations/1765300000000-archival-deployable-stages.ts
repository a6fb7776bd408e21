import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const ARCHIVABLE = ['model', 'dataset', 'experiment'];
const archivedAt = () => new TableColumn({ name: 'archived_at', type: 'datetime', precision: 6, isNullable: true });
const deployableStages = () => new TableColumn({ name: 'deployable_stages', type: 'json', isNullable: true });

/**
 * Archival instead of deletion: `archived_at` on models, datasets and experiments (null = active). Lists read
 * in primary-key or unique-name order and skip the few archived rows they meet; the version search reads the
 * archived models once, as a range of IDX_model_archived.
 * A model policy's `deployable_stages` (JSON list; null = every stage but ARCHIVED).
 */
export class ArchivalDeployableStages1765300000000 implements MigrationInterface {
  name = 'ArchivalDeployableStages1765300000000';

  async up(qr: QueryRunner): Promise<void> {
    for (const table of ARCHIVABLE) await qr.addColumn(table, archivedAt());
    await qr.createIndex('model', new TableIndex({ name: 'IDX_model_archived', columnNames: ['archived_at'] }));
    await qr.addColumn('model_policy', deployableStages());
  }

  async down(qr: QueryRunner): Promise<void> {
    await dropColumn(qr, 'model_policy', 'deployable_stages');
    await qr.dropIndex('model', 'IDX_model_archived');
    for (const table of [...ARCHIVABLE].reverse()) await dropColumn(qr, table, 'archived_at');
  }
}

/**
 * On SQLite TypeORM drops a column by rebuilding the table, which fails while other rows reference it
 * (versions → model, runs → experiment): a revert runs inside a transaction, where SQLite cannot switch
 * foreign keys off. SQLite drops a plain column natively; then TypeORM's cached definition is reloaded.
 */
async function dropColumn(qr: QueryRunner, table: string, column: string): Promise<void> {
  if (qr.connection.driver.options.type !== 'better-sqlite3') return qr.dropColumn(table, column);
  await qr.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
  await qr.getTable(table);
}
