import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** modelVersions(filter:, orderBy: METRIC) reads a metric's range in value order from (key, value, entity_id). */
export class SearchIndexes1765000000000 implements MigrationInterface {
  name = 'SearchIndexes1765000000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex('metric', new TableIndex({ name: 'IDX_metric_key_value', columnNames: ['key', 'value', 'entity_id'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('metric', 'IDX_metric_key_value');
  }
}
