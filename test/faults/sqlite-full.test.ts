import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, mutate, nthWrite, readyStatus, startInProcess, type Outcome } from './support';

/**
 * The database file cannot grow (SQLite's max_page_count, set on the app's own connection): writes fail
 * while it is full; every write that was acknowledged must survive a restart, and nothing else may.
 */

function storedIds(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = [...db.prepare('SELECT id FROM model_version').all(), ...db.prepare('SELECT id FROM experiment').all()] as { id: string }[];
    return rows.map((r) => r.id).sort();
  } finally {
    db.close();
  }
}

describe('SQLite with a full database file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelgraph-full-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('acknowledges only writes that are durable; /ready is 503 while full, 200 once space is back', async () => {
    const file = join(dir, 'registry.db');
    const s = await startInProcess(`sqlite:${file}`);
    const outcomes: Outcome[] = [];
    let readyWhileFull = 0;
    try {
      const model = await mutate(s.app, 'mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }', { i: { name: 'filled' } });
      const modelId = model.id!;
      const [{ page_count: pages }] = (await s.app.db.dataSource.query('PRAGMA page_count')) as { page_count: number }[];
      await s.app.db.dataSource.query(`PRAGMA max_page_count = ${pages + 8}`);
      for (let i = 0; i < 160; i++) outcomes.push(await mutate(s.app, ...nthWrite(i, modelId)));
      readyWhileFull = await readyStatus(s.url);

      // Space comes back: a write that fails for an ordinary reason (a duplicate name) and more writes.
      await s.app.db.dataSource.query('PRAGMA max_page_count = 1000000');
      expect(await readyStatus(s.url)).toBe(200);
      expect(await mutate(s.app, 'mutation { createExperiment(input: { name: "e1" }) { id } }', {})).toEqual({ code: 'CONFLICT' });
      for (let i = 0; i < 10; i++) outcomes.push(await mutate(s.app, ...nthWrite(2 * i + 1, modelId, 'after')));
    } finally {
      await s.close();
    }
    const acknowledged = outcomes.flatMap((o) => (o.id ? [o.id] : [])).sort();
    const counts = count(outcomes);
    console.log(`SQLite max_page_count: ${JSON.stringify(counts)}, present after restart: ${storedIds(file).length}`);
    // The load really did hit the limit, and every refusal said so.
    expect(counts.SERVICE_UNAVAILABLE).toBeGreaterThan(50);
    expect(Object.keys(counts).sort()).toEqual(['SERVICE_UNAVAILABLE', 'acknowledged']);
    expect(readyWhileFull).toBe(503);
    // Closed and reopened: exactly the acknowledged writes are there.
    expect(storedIds(file)).toEqual(acknowledged);
    const again = await startInProcess(`sqlite:${file}`);
    try {
      expect(await readyStatus(again.url)).toBe(200);
      const response = await again.app.apollo.executeOperation({ query: '{ experiments(first: 100) { totalCount } }' }, { contextValue: await again.app.context({ headers: {} }) });
      const data = response.body.kind === 'single' ? (response.body.singleResult.data as { experiments: { totalCount: number } }) : undefined;
      expect(data?.experiments.totalCount).toBe(acknowledged.filter((id) => id.startsWith('exp')).length);
    } finally {
      await again.close();
    }
  });
});
