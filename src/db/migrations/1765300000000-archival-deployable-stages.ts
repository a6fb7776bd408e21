import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

const ARCHIVABLE = ['model', 'dataset', 'experiment'];
const archivedAt = () => new TableColumn({ name: 'archived_at', type: 'datetime', precision: 6, isNullable: true });
const deployableStages = () => new TableColumn({ name: 'deployable_stages', type: 'json', isNullable: true });

/**
 * Archival instead of deletion: `archived_at` on models, datasets and experiments (null = active). No index:
 * lists read in primary-key or unique-name order and skip the few archived rows they meet.
 * A model policy's `deployable_stages` (JSON list; null = every stage but ARCHIVED).
 */
export class ArchivalDeployableStages1765300000000 implements MigrationInterface {
  name = 'ArchivalDeployableStages1765300000000';

  async up(qr: QueryRunner): Promise<void> {
    for (const table of ARCHIVABLE) await qr.addColumn(table, archivedAt());
    await qr.addColumn('model_policy', deployableStages());
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('model_policy', 'deployable_stages');
    for (const table of [...ARCHIVABLE].reverse()) await qr.dropColumn(table, 'archived_at');
  }
}
