import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The audit log: one append-only table of events, chained by the sealer (sequence, hash). */
export class AuditLog1765200000000 implements MigrationInterface {
  name = 'AuditLog1765200000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'audit_event',
      columns: [
        { name: 'pos', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'id', type: 'varchar', length: '40', isNullable: false },
        { name: 'sequence', type: 'integer', isNullable: true },
        { name: 'at', type: 'datetime', precision: 6, isNullable: false },
        { name: 'actor', type: 'varchar', length: '200', isNullable: false },
        { name: 'action', type: 'varchar', length: '40', isNullable: false },
        { name: 'entity_type', type: 'varchar', length: '40', isNullable: false },
        { name: 'entity_id', type: 'varchar', length: '40', isNullable: false },
        { name: 'before', type: 'text', isNullable: true },
        { name: 'after', type: 'text', isNullable: true },
        { name: 'request_id', type: 'varchar', length: '100', isNullable: true },
        { name: 'canonical', type: 'text', isNullable: false },
        { name: 'hash', type: 'varchar', length: '64', isNullable: true },
      ],
      indices: [
        { name: 'UQ_audit_event_id', columnNames: ['id'], isUnique: true },
        { name: 'UQ_audit_event_sequence', columnNames: ['sequence'], isUnique: true },
        { name: 'IDX_audit_event_entity', columnNames: ['entity_id', 'pos'] },
        { name: 'IDX_audit_event_actor', columnNames: ['actor', 'pos'] },
        { name: 'IDX_audit_event_action', columnNames: ['action', 'pos'] },
        { name: 'IDX_audit_event_at', columnNames: ['at', 'pos'] },
      ],
    }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('audit_event');
  }
}
