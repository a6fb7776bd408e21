import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/**
 * The core graph. Written with the driver-agnostic Table API so one migration serves MySQL/MariaDB and
 * SQLite; foreign keys and indices live inside `new Table` (a separate createForeignKey rebuilds SQLite tables).
 */
const id = (name = 'id', nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '40', isNullable: nullable });
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const text = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });
const json = (name: string): TableColumnOptions => ({ name, type: 'json', isNullable: true });
const int = (name: string, nullable = false, dflt?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, default: dflt });

function fk(column: string, table: string, onDelete: 'CASCADE' | 'RESTRICT' = 'RESTRICT') {
  return { columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete, onUpdate: 'NO ACTION' };
}

export class CoreGraph1764200000000 implements MigrationInterface {
  name = 'CoreGraph1764200000000';

  async up(qr: QueryRunner): Promise<void> {
    const driver = qr.connection.driver;
    const isMysql = driver.options.type !== 'better-sqlite3';
    if (isMysql) {
      // Names, ids and keys compare exactly (case, accents, trailing spaces): a binary NO PAD collation
      // for everything created from here on, so uniqueness and lookups agree with SQLite.
      const collation = driver.options.type === 'mariadb' ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
      await qr.query(`ALTER DATABASE CHARACTER SET utf8mb4 COLLATE ${collation}`);
    }
    const precision = 6; // as DateColumn declares; MariaDB's own default, and SQLite keeps the declared type
    const date = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision, isNullable: nullable });
    const stamps = [date('created_at'), date('updated_at')];
    const pk = { ...id(), isPrimary: true };

    const tables: Table[] = [
      new Table({
        name: 'experiment',
        columns: [pk, str('name', 200), text('description'), ...stamps],
        uniques: [{ name: 'UQ_experiment_name', columnNames: ['name'] }],
      }),
      new Table({
        name: 'model',
        columns: [pk, str('name', 200), text('description'), str('versioning_scheme', 16), int('version_count', false, 0),
          str('latest_version', 128, true), ...stamps],
        uniques: [{ name: 'UQ_model_name', columnNames: ['name'] }],
        indices: [{ name: 'IDX_model_created', columnNames: ['created_at'] }],
      }),
      new Table({
        name: 'dataset',
        columns: [pk, str('name', 200), text('description'), int('version_count', false, 0), ...stamps],
        uniques: [{ name: 'UQ_dataset_name', columnNames: ['name'] }],
      }),
      new Table({
        name: 'dataset_version',
        columns: [pk, id('dataset_id'), str('version', 128), int('sequence'), str('uri', 2048), str('digest', 140),
          int('row_count', true), json('schema'), text('description'), str('created_by', 200), ...stamps],
        uniques: [
          { name: 'UQ_dataset_version_label', columnNames: ['dataset_id', 'version'] },
          { name: 'UQ_dataset_version_sequence', columnNames: ['dataset_id', 'sequence'] },
        ],
        foreignKeys: [fk('dataset_id', 'dataset')],
      }),
      new Table({
        name: 'dataset_version_source',
        columns: [{ ...id('dataset_version_id'), isPrimary: true }, { ...id('source_id'), isPrimary: true }],
        indices: [{ name: 'IDX_dataset_version_source_source', columnNames: ['source_id'] }],
        foreignKeys: [fk('dataset_version_id', 'dataset_version', 'CASCADE'), fk('source_id', 'dataset_version')],
      }),
      new Table({
        name: 'run',
        columns: [pk, id('experiment_id'), str('name', 200, true), str('status', 16), json('params'),
          str('git_repo', 2048, true), str('git_commit', 64, true), date('started_at'), date('ended_at', true),
          str('created_by', 200), ...stamps],
        indices: [{ name: 'IDX_run_experiment', columnNames: ['experiment_id', 'id'] }],
        foreignKeys: [fk('experiment_id', 'experiment')],
      }),
      new Table({
        name: 'run_input',
        columns: [{ ...id('run_id'), isPrimary: true }, { ...id('dataset_version_id'), isPrimary: true }],
        indices: [{ name: 'IDX_run_input_dataset_version', columnNames: ['dataset_version_id'] }],
        foreignKeys: [fk('run_id', 'run', 'CASCADE'), fk('dataset_version_id', 'dataset_version')],
      }),
      new Table({
        name: 'model_version',
        columns: [pk, id('model_id'), str('version', 128), int('sequence'), str('stage', 16), text('description'),
          str('artifact_uri', 2048), str('artifact_digest', 140, true), str('framework', 100, true),
          json('hyperparameters'), json('signature'), str('git_repo', 2048, true), str('git_commit', 64, true),
          id('run_id', true), id('parent_id', true), str('created_by', 200), ...stamps],
        uniques: [
          { name: 'UQ_model_version_label', columnNames: ['model_id', 'version'] },
          { name: 'UQ_model_version_sequence', columnNames: ['model_id', 'sequence'] },
        ],
        indices: [
          { name: 'IDX_model_version_run', columnNames: ['run_id'] },
          { name: 'IDX_model_version_parent', columnNames: ['parent_id'] },
          { name: 'IDX_model_version_stage', columnNames: ['model_id', 'stage'] },
        ],
        foreignKeys: [fk('model_id', 'model'), fk('run_id', 'run'), fk('parent_id', 'model_version')],
      }),
      new Table({
        name: 'model_version_dataset',
        columns: [{ ...id('model_version_id'), isPrimary: true }, { ...id('dataset_version_id'), isPrimary: true },
          str('role', 16)],
        indices: [{ name: 'IDX_model_version_dataset_dsv', columnNames: ['dataset_version_id'] }],
        foreignKeys: [fk('model_version_id', 'model_version', 'CASCADE'), fk('dataset_version_id', 'dataset_version')],
      }),
      new Table({
        name: 'deployment',
        columns: [pk, str('name', 200), id('model_id'), str('environment', 100), str('endpoint_url', 2048, true),
          str('status', 16), int('revision', false, 0), text('description'), ...stamps],
        uniques: [{ name: 'UQ_deployment_name', columnNames: ['name'] }],
        indices: [{ name: 'IDX_deployment_model', columnNames: ['model_id'] }],
        foreignKeys: [fk('model_id', 'model')],
      }),
      new Table({
        name: 'tag',
        columns: [{ ...id('entity_id'), isPrimary: true }, { ...str('key', 100), isPrimary: true }, str('value', 1000)],
        indices: [{ name: 'IDX_tag_key', columnNames: ['key'] }],
      }),
      new Table({
        name: 'metric',
        columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          id('entity_id'), str('key', 250), { name: 'value', type: 'double', isNullable: false }, int('step', true),
          date('timestamp', true)],
        indices: [{ name: 'IDX_metric_entity_key', columnNames: ['entity_id', 'key'] }],
      }),
      new Table({
        name: 'idempotency_key',
        columns: [{ ...str('scope', 64), isPrimary: true }, { ...str('key', 200), isPrimary: true }, id('entity_id'),
          date('created_at')],
      }),
    ];
    for (const table of tables) await qr.createTable(table, true);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const name of ['idempotency_key', 'metric', 'tag', 'deployment', 'model_version_dataset', 'model_version',
      'run_input', 'run', 'dataset_version_source', 'dataset_version', 'dataset', 'model', 'experiment']) {
      await qr.dropTable(name, true);
    }
  }
}
