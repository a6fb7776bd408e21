import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Run.metrics finds each key's latest point with one probe of (entity_id, key, step) instead of reading every point. */
export class MetricLatestIndex1764500000100 implements MigrationInterface {
  name = 'MetricLatestIndex1764500000100';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex('metric', new TableIndex({ name: 'IDX_metric_latest', columnNames: ['entity_id', 'key', 'step'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('metric', 'IDX_metric_latest');
  }
}
