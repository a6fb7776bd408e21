import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const str = (name: string, length: number, nullable = false, primary = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable, isPrimary: primary });
const date = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 6, isNullable: nullable });
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });

/** Webhooks and their deliveries (one row per webhook and sealed audit event). */
export class Webhooks1765600000000 implements MigrationInterface {
  name = 'Webhooks1765600000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'webhook',
      columns: [str('id', 40, false, true), str('url', 2048), text('events'), str('secret', 200), text('description', true),
        { name: 'active', type: 'boolean', isNullable: false }, date('created_at'), str('created_by', 200), date('deleted_at', true),
        int('scanned_sequence'), int('start_position')],
      indices: [{ name: 'IDX_webhook_active', columnNames: ['active', 'id'] }],
    }), true);
    await qr.createTable(new Table({
      name: 'webhook_delivery',
      columns: [str('id', 40, false, true), str('webhook_id', 40), str('event_id', 40), str('event_type', 40), str('entity_id', 40),
        int('sequence'), str('status', 16), int('attempts'), date('next_attempt_at'), date('lease_until', true), str('claim', 40, true),
        date('last_attempt_at', true), int('last_status_code', true), str('last_error', 1000, true), int('last_duration_ms', true),
        text('last_response', true), date('delivered_at', true), date('created_at')],
      uniques: [{ name: 'UQ_webhook_delivery_event', columnNames: ['webhook_id', 'event_id'] }],
      indices: [
        { name: 'IDX_webhook_delivery_open', columnNames: ['status', 'sequence'] },
        { name: 'IDX_webhook_delivery_webhook', columnNames: ['webhook_id', 'sequence'] },
      ],
      foreignKeys: [{ columnNames: ['webhook_id'], referencedTableName: 'webhook', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' }],
    }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('webhook_delivery');
    await qr.dropTable('webhook');
  }
}
