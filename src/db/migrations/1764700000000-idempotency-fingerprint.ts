import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const str = (name: string, length: number): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: false });

/**
 * Idempotency keys scoped by (caller subject, mutation) and stored with the fingerprint of their input.
 * Rows of the old table (scoped by mutation only, input unknown) are kept as legacy rows: subject '' and
 * fingerprint 'legacy', which no SHA-256 hex equals. A retry of such a key answers IDEMPOTENCY_KEY_REUSED
 * rather than guess whether its input matched; legacy rows age out with the 24 h retention like any other.
 */
export class IdempotencyFingerprint1764700000000 implements MigrationInterface {
  name = 'IdempotencyFingerprint1764700000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'idempotency_record',
      columns: [
        { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        str('subject', 200), str('mutation', 64), str('key', 200), str('fingerprint', 64), str('entity_id', 40),
        { name: 'created_at', type: 'datetime', precision: 6, isNullable: false },
      ],
      uniques: [{ name: 'UQ_idempotency_record', columnNames: ['subject', 'mutation', 'key'] }],
      indices: [{ name: 'IDX_idempotency_record_created', columnNames: ['created_at'] }],
    }), true);
    await qr.query(`INSERT INTO idempotency_record (subject, mutation, ${qr.connection.driver.escape('key')}, fingerprint, entity_id, created_at)
      SELECT '', scope, ${qr.connection.driver.escape('key')}, 'legacy', entity_id, created_at FROM idempotency_key`);
    await qr.dropTable('idempotency_key', true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'idempotency_key',
      columns: [
        { ...str('scope', 64), isPrimary: true }, { ...str('key', 200), isPrimary: true }, str('entity_id', 40),
        { name: 'created_at', type: 'datetime', precision: 6, isNullable: false },
      ],
    }), true);
    // Keys of different callers may share (mutation, key): keep the oldest of each.
    const key = qr.connection.driver.escape('key');
    await qr.query(`INSERT INTO idempotency_key (scope, ${key}, entity_id, created_at)
      SELECT r.mutation, r.${key}, r.entity_id, r.created_at FROM idempotency_record r
      WHERE r.seq = (SELECT MIN(o.seq) FROM idempotency_record o WHERE o.mutation = r.mutation AND o.${key} = r.${key})`);
    await qr.dropTable('idempotency_record', true);
  }
}
