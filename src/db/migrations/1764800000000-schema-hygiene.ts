import { TableCheck, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { checkExpression, checkName } from '../constraints';

/**
 * Integrity for the lifecycle tables: foreign keys to the rows their history describes, CHECK constraints
 * on the enum-like columns everywhere, and the indexes the approval queries use; drops two indexes no
 * query reads (lists order by the time-ordered id, and the tag filter probes the (entity_id, key) key).
 */
interface ForeignKeySpec {
  columns: string[];
  table: string;
  referenced?: string[];
  onDelete?: 'CASCADE' | 'RESTRICT';
}

const ref = (column: string, table: string, onDelete: 'CASCADE' | 'RESTRICT' = 'RESTRICT'): ForeignKeySpec =>
  ({ columns: [column], table, onDelete });

/** Parents before the tables that reference them: SQLite adds a foreign key by rebuilding the table. */
const FOREIGN_KEYS: [table: string, keys: ForeignKeySpec[]][] = [
  ['transition_request', [ref('model_id', 'model'), ref('version_id', 'model_version')]],
  ['transition_review', [ref('request_id', 'transition_request', 'CASCADE')]],
  ['stage_transition', [ref('model_id', 'model'), ref('version_id', 'model_version'), ref('request_id', 'transition_request')]],
  ['model_alias', [ref('model_id', 'model'), ref('version_id', 'model_version')]],
  ['alias_event', [ref('model_id', 'model'), ref('version_id', 'model_version'), ref('previous_version_id', 'model_version')]],
  ['model_policy', [ref('model_id', 'model')]],
  ['deployment_revision', [ref('deployment_id', 'deployment')]],
  ['deployment_traffic', [
    { columns: ['deployment_id', 'revision'], table: 'deployment_revision', referenced: ['deployment_id', 'revision'], onDelete: 'CASCADE' },
    ref('version_id', 'model_version'),
  ]],
];

const STAGES = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'];

/** The values each enum-like column may hold (the TypeScript enums' values). */
const ENUM_COLUMNS: [table: string, column: string, values: string[]][] = [
  ['model', 'versioning_scheme', ['INTEGER', 'SEMVER', 'TIMESTAMP']],
  ['model_version', 'stage', STAGES],
  ['model_version_dataset', 'role', ['TRAINING', 'VALIDATION', 'TEST', 'EVALUATION', 'OTHER']],
  ['run', 'status', ['RUNNING', 'FINISHED', 'FAILED', 'KILLED']],
  ['deployment', 'status', ['ACTIVE', 'RETIRED']],
  ['deployment_revision', 'kind', ['DEPLOY', 'ROLLBACK', 'RETIRE']],
  ['stage_transition', 'from_stage', STAGES],
  ['stage_transition', 'to_stage', STAGES],
  ['stage_transition', 'kind', ['CREATED', 'TRANSITION', 'ARCHIVED_BY_PROMOTION', 'ROLLBACK']],
  ['transition_request', 'stage', STAGES],
  ['transition_request', 'status', ['PENDING', 'APPLIED', 'REJECTED']],
  ['transition_review', 'decision', ['APPROVE', 'REJECT']],
];

export class SchemaHygiene1764800000000 implements MigrationInterface {
  name = 'SchemaHygiene1764800000000';

  async up(qr: QueryRunner): Promise<void> {
    for (const [table, keys] of FOREIGN_KEYS) {
      await qr.createForeignKeys(table, keys.map((k) => new TableForeignKey({
        columnNames: k.columns, referencedTableName: k.table, referencedColumnNames: k.referenced ?? ['id'],
        onDelete: k.onDelete ?? 'RESTRICT', onUpdate: 'NO ACTION',
      })));
    }
    await qr.createIndices('transition_request', [
      new TableIndex({ name: 'IDX_transition_request_version', columnNames: ['version_id', 'status'] }),
      new TableIndex({ name: 'IDX_transition_request_status', columnNames: ['status', 'id'] }),
    ]);
    await qr.dropIndex('model', 'IDX_model_created');
    await qr.dropIndex('tag', 'IDX_tag_key');
    await this.addChecks(qr);
  }

  /** TypeORM keeps no CHECK metadata for MySQL, so there they are plain DDL; SQLite rebuilds each table once. */
  private async addChecks(qr: QueryRunner): Promise<void> {
    const byTable = new Map<string, TableCheck[]>();
    for (const [table, column, values] of ENUM_COLUMNS) {
      const check = new TableCheck({ name: checkName(table, column), expression: checkExpression(column, values) });
      (byTable.get(table) ?? byTable.set(table, []).get(table)!).push(check);
    }
    for (const [table, checks] of byTable) {
      if (qr.connection.driver.options.type === 'better-sqlite3') {
        await qr.createCheckConstraints(table, checks);
      } else {
        for (const check of checks) await qr.query(`ALTER TABLE \`${table}\` ADD CONSTRAINT \`${check.name}\` CHECK (${check.expression})`);
      }
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const [table, column] of [...ENUM_COLUMNS].reverse()) {
      if (qr.connection.driver.options.type === 'better-sqlite3') await qr.dropCheckConstraint(table, checkName(table, column));
      else await qr.query(`ALTER TABLE \`${table}\` DROP CONSTRAINT \`${checkName(table, column)}\``);
    }
    // Foreign keys first: MariaDB may be using the indexes below for them.
    for (const [table] of [...FOREIGN_KEYS].reverse()) {
      const loaded = await qr.getTable(table);
      // These tables had no foreign keys before this migration.
      if (loaded) await qr.dropForeignKeys(loaded, loaded.foreignKeys);
    }
    await qr.createIndex('tag', new TableIndex({ name: 'IDX_tag_key', columnNames: ['key'] }));
    await qr.createIndex('model', new TableIndex({ name: 'IDX_model_created', columnNames: ['created_at'] }));
    await qr.dropIndex('transition_request', 'IDX_transition_request_status');
    await qr.dropIndex('transition_request', 'IDX_transition_request_version');
  }
}
