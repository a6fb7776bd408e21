import type DataLoader from 'dataloader';
import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { NotFoundError } from './errors';
import { isIdOf, type NodeTypeName } from './ids';

/** `thing(id:, name:)` root queries (ByIdOrNameArgs has checked that exactly one is given); unknown or malformed → null. */
export async function findByIdOrName<T>(
  type: NodeTypeName,
  byId: DataLoader<string, T | null, string>,
  byName: DataLoader<string, T | null, string>,
  id: string | null | undefined,
  name: string | null | undefined,
): Promise<T | null> {
  if (id != null) return isIdOf(type, id) ? byId.load(id) : null;
  return byName.load(name!);
}

/** A single lookup by id inside a mutation: unknown or malformed → NOT_FOUND naming the argument. */
export async function requireRow<E extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<E>,
  type: NodeTypeName,
  id: string,
  field: string,
  lock?: 'pessimistic_write',
): Promise<E> {
  const found = isIdOf(type, id)
    ? await em.getRepository(entity).findOne({ where: { id } as never, ...(lock ? { lock: { mode: lock } } : {}) })
    : null;
  if (!found) throw new NotFoundError(type, id, field);
  return found;
}

/** Every id must name an existing row; the first that does not → NOT_FOUND naming `field.index`. */
export async function requireAll<E extends ObjectLiteral & { id: string }>(
  em: EntityManager,
  entity: EntityTarget<E>,
  type: NodeTypeName,
  ids: readonly string[],
  field: string,
): Promise<E[]> {
  if (!ids.length) return [];
  const wellFormed = ids.filter((id) => isIdOf(type, id));
  const rows = wellFormed.length ? await em.getRepository(entity).findBy({ id: In(wellFormed) } as never) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.findIndex((id) => !byId.has(id));
  if (missing >= 0) throw new NotFoundError(type, ids[missing], `${field}.${missing}`);
  return ids.map((id) => byId.get(id)!);
}

/**
 * The parent of a new child row, by `<x>Id` or `<x>Name` (exactly one), locked for update on MySQL so
 * numbering under it is serialized. Unknown → NOT_FOUND naming `input.<x>Id` / `input.<x>Name`.
 */
export async function lockParent<E extends ObjectLiteral & { id: string; name: string }>(
  em: EntityManager,
  entity: EntityTarget<E>,
  type: NodeTypeName,
  field: string,
  ref: { id?: string | null; name?: string | null },
  lock: 'pessimistic_write' | undefined,
): Promise<E> {
  const byId = ref.id != null;
  const key = (byId ? ref.id : ref.name)!;
  const found = byId && !isIdOf(type, key) ? null : await em.getRepository(entity).findOne({
    where: (byId ? { id: key } : { name: key }) as never,
    ...(lock ? { lock: { mode: lock } } : {}),
  });
  if (!found) throw new NotFoundError(type, key, byId ? `input.${field}Id` : `input.${field}Name`);
  return found;
}
