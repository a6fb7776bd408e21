import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const str = (name: string, length: number, nullable = false, primary = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable, isPrimary: primary });
const date = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 6, isNullable: nullable });

/** API tokens (hashes only) and per-model role grants. */
export class Auth1765100000000 implements MigrationInterface {
  name = 'Auth1765100000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'api_token',
      columns: [str('id', 40, false, true), str('name', 200), str('role', 16), str('token_hash', 64), date('created_at'),
        str('created_by', 200), date('expires_at', true), date('last_used_at', true), date('revoked_at', true)],
      uniques: [{ name: 'UQ_api_token_hash', columnNames: ['token_hash'] }],
      indices: [{ name: 'IDX_api_token_revoked', columnNames: ['revoked_at', 'id'] }],
    }), true);
    await qr.createTable(new Table({
      name: 'model_grant',
      columns: [
        { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        str('model_id', 40), str('subject', 200), str('role', 16), str('granted_by', 200), date('granted_at'),
      ],
      uniques: [{ name: 'UQ_model_grant', columnNames: ['model_id', 'subject'] }],
      foreignKeys: [{ columnNames: ['model_id'], referencedTableName: 'model', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' }],
    }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('model_grant');
    await qr.dropTable('api_token');
  }
}
