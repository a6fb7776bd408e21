import { lock } from '../../src/common/lock';
import { Model } from '../../src/model/model.entity';
import { ModelVersion, Stage } from '../../src/model-version/model-version.entity';
import { countQueries } from '../../src/db/query-log';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

const CONTROL = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO)/i;
const note = { actor: 'composer' };

describe('transactions compose: a service called inside a transaction joins it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  /** The transaction-control statements (BEGIN, COMMIT, SAVEPOINT…) `fn` sends, in order. */
  const control = async <T>(fn: () => Promise<T>): Promise<{ result: T | Error; sent: string[] }> => {
    // The audit sealer chains the events of earlier commits in its own transactions: let it finish first.
    await t.app.sealer.idle();
    const logger = t.app.db.dataSource.logger;
    const spy = jest.spyOn(logger, 'logQuery');
    try {
      const result = await fn().catch((error: Error) => error);
      const sent = spy.mock.calls.map(([sql]) => sql.trim()).filter((sql) => CONTROL.test(sql));
      return { result, sent: sent.map((sql) => sql.split(/\s+/).slice(0, 2).join(' ').toUpperCase()) };
    } finally {
      spy.mockRestore();
    }
  };
  const begin = () => (t.engine === 'sqlite' ? 'BEGIN TRANSACTION' : 'START TRANSACTION');

  const state = async (modelId: string, versionId: string) => {
    const d = await t.ok(`query($m: ID!, $v: ID!) {
      model(id: $m) { aliases { name version { id } } }
      modelVersion(id: $v) { stage transitions { totalCount } } }`, { m: modelId, v: versionId });
    return { stage: d.modelVersion.stage, transitions: d.modelVersion.transitions.totalCount, aliases: d.model.aliases };
  };

  it('two service methods that each open a transaction, called inside one, make one BEGIN and one COMMIT', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    const { services, db } = t.app;
    const { result, sent } = await control(() => db.transaction(async () => {
      const moved = await services.stages.transition(v.id, Stage.STAGING, note);
      await services.aliases.set(m.id, 'champion', v.id, note);
      return moved;
    }));
    expect(result).toMatchObject({ id: v.id, stage: Stage.STAGING });
    expect(sent).toEqual([begin(), 'COMMIT']);
    expect(await state(m.id, v.id)).toEqual({ stage: 'STAGING', transitions: 2, aliases: [{ name: 'champion', version: { id: v.id } }] });
  });

  it('a failure after the inner calls rolls their work back too: one ROLLBACK, no COMMIT', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    const { services, db } = t.app;
    const { result, sent } = await control(() => db.transaction(async () => {
      await services.stages.transition(v.id, Stage.PRODUCTION, note);
      await services.aliases.set(m.id, 'champion', v.id, note);
      throw new Error('failed after the inner calls');
    }));
    expect((result as Error).message).toBe('failed after the inner calls');
    expect(sent).toEqual([begin(), 'ROLLBACK']);
    expect(await state(m.id, v.id)).toEqual({ stage: 'NONE', transitions: 1, aliases: [] });
  });

  it('an inner failure fails the whole transaction, the work before it included', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    const { services, db } = t.app;
    const { result, sent } = await control(() => db.transaction(async () => {
      await services.aliases.set(m.id, 'champion', v.id, note);
      await services.stages.transition(v.id, Stage.NONE, note); // already in NONE
    }));
    expect(result).toMatchObject({ extensions: { code: 'PRECONDITION_FAILED' } });
    expect(sent).toEqual([begin(), 'ROLLBACK']);
    expect(await state(m.id, v.id)).toEqual({ stage: 'NONE', transitions: 1, aliases: [] });
  });

  it('db.manager is the transaction\'s manager inside one (sees its uncommitted rows) and the plain one outside', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    const { services, db } = t.app;
    expect(db.manager).toBe(db.dataSource.manager);
    const seen = await db.transaction(async (em) => {
      expect(db.manager).toBe(em);
      await services.stages.transition(v.id, Stage.STAGING, note);
      return (await db.manager.findOneByOrFail(ModelVersion, { id: v.id })).stage;
    });
    expect(seen).toBe(Stage.STAGING);
    expect(db.manager).toBe(db.dataSource.manager);
  });

  it('only the outermost transaction retries a deadlock (MySQL/MariaDB); SQLite has none to retry', async () => {
    const { db } = t.app;
    let outer = 0;
    let inner = 0;
    const result = await db.transaction(async () => {
      outer++;
      await db.transaction(async () => {
        inner++;
        if (inner === 1) throw Object.assign(new Error('Deadlock found when trying to get lock'), { errno: 1213 });
      });
      return 'done';
    }).catch((error: Error) => error.message);
    if (t.engine === 'mysql') expect([result, outer, inner]).toEqual(['done', 2, 2]);
    else expect([result, outer, inner]).toEqual(['Deadlock found when trying to get lock', 1, 1]);
  });

  it('a keyed create joins the caller\'s transaction: its key rolls back with it, and no pruning runs inside it', async () => {
    const { services, db } = t.app;
    const input = { name: 'joined-create', versioningScheme: 'INTEGER', idempotencyKey: 'joined-key' } as Parameters<typeof services.models.create>[0];
    const prunes = (statements: string[]) => statements.filter((sql) => /idempotency_record/.test(sql) && /ORDER BY/i.test(sql)).length;
    const inside = await countQueries(() => db.transaction(async () => {
      const model = await services.models.create(input, { actor: 'composer' });
      throw new Error(`failed after creating ${model.id}`);
    }).catch((error: Error) => error.message));
    expect(inside.result).toMatch(/^failed after creating mdl_/);
    expect(prunes(inside.statements)).toBe(0);
    const outside = await countQueries(() => services.models.create(input, { actor: 'composer' }));
    expect(`failed after creating ${outside.result.id}`).not.toBe(inside.result);
    expect(prunes(outside.statements)).toBe(1);
    expect((await services.models.create(input, { actor: 'composer' })).id).toBe(outside.result.id);
  });

  it('lock() refuses to run outside a transaction, where it would hold nothing', async () => {
    const m = await seed(t).model();
    await expect(lock(t.app.db, Model, m.id, 'modelId')).rejects.toThrow(/outside a transaction/);
  });

  it('lock() answers NOT_FOUND naming the field, for unknown and malformed keys', async () => {
    const { db } = t.app;
    const unknown = await db.transaction(() => lock(db, Model, 'mdl_01arz3ndektsv4rrffq69g5fav', 'modelId')).catch((e: Error) => e);
    expect(unknown).toMatchObject({ message: 'Model "mdl_01arz3ndektsv4rrffq69g5fav" not found', extensions: { code: 'NOT_FOUND', field: 'modelId' } });
    const { result, statements } = await countQueries(() => db.transaction(() => lock(db, Model, 'run_01arz3ndektsv4rrffq69g5fav', 'input.modelId')).catch((e: Error) => e));
    expect(result).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'input.modelId' } });
    expect(statements).toEqual([]);
    const byName = await db.transaction(() => lock(db, Model, { name: 'no-such-model' }, 'input.modelName')).catch((e: Error) => e);
    expect(byName).toMatchObject({ message: 'Model "no-such-model" not found', extensions: { code: 'NOT_FOUND', field: 'input.modelName' } });
  });

  it('a version is locked under its model, model first, and the model only once per transaction', async () => {
    const m = await seed(t).model();
    const [v1, v2] = [await seed(t).version(m.id), await seed(t).version(m.id)];
    const { db } = t.app;
    const { result, statements } = await countQueries(() => db.transaction(async () => [
      await lock(db, ModelVersion, v1.id, 'versionId'),
      await lock(db, ModelVersion, v2.id, 'versionId'),
    ]));
    expect(result.map((v) => v.id)).toEqual([v1.id, v2.id]);
    const table = (sql: string) => /FROM\s+[`"](\w+)[`"]/i.exec(sql)![1];
    // v1: which model (unlocked read), the model, v1 again under lock; v2: which model, v2 under lock.
    expect(statements.map(table)).toEqual(['model_version', 'model', 'model_version', 'model_version', 'model_version']);
    const forUpdate = statements.map((sql) => /FOR UPDATE/i.test(sql));
    expect(forUpdate).toEqual(t.engine === 'mysql' ? [false, true, true, false, true] : [false, false, false, false, false]);
  });
});
