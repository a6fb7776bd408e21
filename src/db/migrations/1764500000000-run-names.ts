import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { defaultRunName } from '../../run/run-names';

const BATCH = 500;
const nameColumn = (isNullable: boolean) => new TableColumn({ name: 'name', type: 'varchar', length: '200', isNullable });

/** Every run has a name: unnamed runs get the default name (from their id), then the column becomes NOT NULL. */
export class RunNames1764500000000 implements MigrationInterface {
  name = 'RunNames1764500000000';

  async up(qr: QueryRunner): Promise<void> {
    // Bounded batches: each round names up to BATCH runs, so a large table never loads at once.
    for (;;) {
      const rows: { id: string }[] = await qr.query(`SELECT id FROM run WHERE name IS NULL LIMIT ${BATCH}`);
      if (!rows.length) break;
      for (const { id } of rows) await qr.query('UPDATE run SET name = ? WHERE id = ?', [defaultRunName(id), id]);
    }
    await qr.changeColumn('run', 'name', nameColumn(false));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.changeColumn('run', 'name', nameColumn(true));
  }
}
