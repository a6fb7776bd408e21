import { setTimeout as sleep } from 'node:timers/promises';
import { Model, VersioningScheme } from '../../src/model/model.entity';
import { newId } from '../../src/common/ids';
import { TestApp } from '../support/app';

describe('transactions are isolated from concurrent reads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('a read during an open write transaction sees neither its uncommitted nor its rolled-back rows', async () => {
    const name = 'isolated-model';
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    const writer = t.app.db.transaction(async (em) => {
      const at = new Date();
      await em.insert(Model, { id: newId('Model'), name, versioningScheme: VersioningScheme.INTEGER, versionCount: 0, createdAt: at, updatedAt: at });
      inserted();
      await sleep(100);
      throw new Error('rolled back on purpose');
    }).catch((e: Error) => e.message);
    await insertedSignal;
    const during = await t.gql('query($n: String!) { model(name: $n) { id } }', { n: name });
    expect(during).toEqual({ data: { model: null } });
    expect(await writer).toBe('rolled back on purpose');
    expect((await t.ok('query($n: String!) { model(name: $n) { id } }', { n: name })).model).toBeNull();
  });

  it('a read after a committed transaction sees it', async () => {
    const name = 'committed-model';
    const at = new Date();
    await t.app.db.transaction((em) => em.insert(Model, { id: newId('Model'), name, versioningScheme: VersioningScheme.INTEGER, versionCount: 0, createdAt: at, updatedAt: at }));
    expect((await t.ok('query($n: String!) { model(name: $n) { name } }', { n: name })).model).toEqual({ name });
  });
});
