import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/** History and current state of stages, aliases, policies, approval requests and deployment revisions. */
const id = (name: string, primary = false, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '40', isPrimary: primary, isNullable: nullable });
const str = (name: string, length: number, nullable = false, primary = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable, isPrimary: primary });
const int = (name: string, nullable = false, primary = false, dflt?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, isPrimary: primary, default: dflt });
const date = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 6, isNullable: nullable });
const text = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });
const seq: TableColumnOptions = { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };

export class Lifecycle1764400000000 implements MigrationInterface {
  name = 'Lifecycle1764400000000';

  async up(qr: QueryRunner): Promise<void> {
    const tables = [
      new Table({
        name: 'stage_transition',
        columns: [seq, id('model_id'), id('version_id'), str('from_stage', 16, true), str('to_stage', 16), str('kind', 24),
          str('actor', 200), text('comment'), id('request_id', false, true), date('at')],
        indices: [
          { name: 'IDX_stage_transition_model', columnNames: ['model_id', 'seq'] },
          { name: 'IDX_stage_transition_version', columnNames: ['version_id', 'seq'] },
        ],
      }),
      new Table({
        name: 'model_alias',
        columns: [id('model_id', true), str('name', 100, false, true), id('version_id'), date('updated_at')],
        indices: [{ name: 'IDX_model_alias_version', columnNames: ['version_id'] }],
      }),
      new Table({
        name: 'alias_event',
        columns: [seq, id('model_id'), str('alias', 100), id('version_id', false, true), id('previous_version_id', false, true),
          str('actor', 200), text('comment'), date('at')],
        indices: [{ name: 'IDX_alias_event_model', columnNames: ['model_id', 'alias', 'seq'] }],
      }),
      new Table({
        name: 'model_policy',
        columns: [id('model_id', true), int('required_approvals', false, false, 0), { name: 'protected_aliases', type: 'json', isNullable: false },
          str('updated_by', 200), date('updated_at')],
      }),
      new Table({
        name: 'transition_request',
        columns: [id('id', true), id('model_id'), id('version_id'), str('stage', 16, true), str('alias', 100, true), str('status', 16),
          str('requested_by', 200), text('comment'), int('required_approvals'), date('decided_at', true), date('created_at'), date('updated_at')],
        indices: [{ name: 'IDX_transition_request_model', columnNames: ['model_id', 'status', 'id'] }],
      }),
      new Table({
        name: 'transition_review',
        columns: [id('request_id', true), str('actor', 200, false, true), str('decision', 16), text('comment'), date('at')],
      }),
      new Table({
        name: 'deployment_revision',
        columns: [seq, id('deployment_id'), int('revision'), str('kind', 16), int('rolled_back_to', true),
          str('actor', 200), text('comment'), date('at')],
        uniques: [{ name: 'UQ_deployment_revision', columnNames: ['deployment_id', 'revision'] }],
        indices: [{ name: 'IDX_deployment_revision_at', columnNames: ['deployment_id', 'at'] }],
      }),
      new Table({
        name: 'deployment_traffic',
        columns: [id('deployment_id', true), int('revision', false, true), id('version_id', true), int('percent')],
        indices: [{ name: 'IDX_deployment_traffic_version', columnNames: ['version_id'] }],
      }),
    ];
    for (const table of tables) await qr.createTable(table, true);
    // Every version's history starts with its registration.
    await qr.query(`INSERT INTO stage_transition (model_id, version_id, from_stage, to_stage, kind, actor, comment, request_id, at)
      SELECT model_id, id, NULL, stage, 'CREATED', created_by, NULL, NULL, created_at FROM model_version ORDER BY sequence`);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const name of ['deployment_traffic', 'deployment_revision', 'transition_review', 'transition_request', 'model_policy',
      'alias_event', 'model_alias', 'stage_transition']) {
      await qr.dropTable(name, true);
    }
  }
}
