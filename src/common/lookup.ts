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

/** A single lookup by id inside a mutation (no lock): unknown or malformed → NOT_FOUND naming the argument. */
export async function requireRow<E extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<E>,
  type: NodeTypeName,
  id: string,
  field: string,
): Promise<E> {
  const found = isIdOf(type, id) ? await em.getRepository(entity).findOne({ where: { id } as never }) : null;
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
