import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { Database } from '../db/database';
import { NotFoundError } from './errors';
import { typeOfId } from './ids';

/** A row named by its id, or by its unique name. */
export type RowKey = string | { name: string };

/**
 * Lock order. Writers take row locks in this order only, so two transactions never wait for each other
 * in a cycle (MariaDB would abort one with a deadlock; the outermost transaction then retries it):
 *
 *   TransitionRequest → Model → ModelVersion → ModelPolicy        Dataset, Run, Experiment: each alone
 *   Deployment → Model → ModelVersion → ModelPolicy                (deploy checks its versions' stages
 *                                                                  against the policy under their locks)
 *
 * A version is always locked under its model: `lock` takes the model's lock first (once per transaction).
 * The model row thus serializes every stage, alias, policy and approval change of the model's versions.
 */
const LOCKED_UNDER: Record<string, { parent: string; column: string }> = {
  ModelVersion: { parent: 'Model', column: 'modelId' },
};

/**
 * The one way to lock a row for a change: inside `db.transaction()`, reads the row and holds it until the
 * transaction ends — `SELECT … FOR UPDATE` on MySQL/MariaDB; on SQLite the write transaction already holds
 * the process-wide write lock, so the read is all it takes. With `field`: an unknown or malformed key →
 * NOT_FOUND naming `field`. Without: `key` is any condition on the row (e.g. the PRODUCTION version of a
 * model), and no match → null.
 */
export function lock<E extends ObjectLiteral>(db: Database, entity: EntityTarget<E>, key: RowKey, field: string): Promise<E>;
export function lock<E extends ObjectLiteral>(db: Database, entity: EntityTarget<E>, where: FindOptionsWhere<E>): Promise<E | null>;
export async function lock<E extends ObjectLiteral>(db: Database, entity: EntityTarget<E>, key: RowKey | FindOptionsWhere<E>, field?: string): Promise<E | null> {
  const locked = db.lockedRows;
  if (!locked) throw new Error('lock() outside a transaction would hold nothing: call it inside db.transaction()');
  const em = db.manager;
  const type = em.connection.getMetadata(entity).name;
  const where = (typeof key === 'string' ? { id: key } : key) as FindOptionsWhere<E>;
  const found = typeof key === 'string' && typeOfId(key) !== type ? null : await lockRow(db, em, locked, type, where);
  if (!found && field !== undefined) throw new NotFoundError(type, typeof key === 'string' ? key : String((key as { name: string }).name), field);
  return found as E | null;
}

async function lockRow(db: Database, em: EntityManager, locked: Set<string>, type: string, where: object): Promise<ObjectLiteral | null> {
  const under = LOCKED_UNDER[type];
  if (under) {
    let parentId = (where as Record<string, unknown>)[under.column];
    if (parentId === undefined) {
      // Which parent: read without a lock first (the locked read below sees the row as it is once locked).
      const row = await em.findOne(type, { where });
      if (!row) return null;
      parentId = row[under.column];
    }
    if (!locked.has(`${under.parent}:${String(parentId)}`)) await lockRow(db, em, locked, under.parent, { id: parentId });
  }
  const row = await em.findOne(type, { where, ...(db.engine === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  if (row) locked.add(`${type}:${String(row.id)}`);
  return row;
}

/**
 * The parent of a new child row, by `input.<x>Id` or `input.<x>Name`: the key to `lock` it by and the field a
 * NOT_FOUND names. That exactly one is given is the input class's rule (`@ExactlyOne`), checked before.
 */
export function parentKey(field: string, ref: { id?: string | null; name?: string | null }): [RowKey, string] {
  return ref.id != null ? [ref.id, `input.${field}Id`] : [{ name: ref.name! }, `input.${field}Name`];
}
