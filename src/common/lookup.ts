import type DataLoader from 'dataloader';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { BadInputError, NotFoundError } from './errors';
import { isIdOf, type NodeTypeName } from './ids';

/** `thing(id:, name:)` root queries: exactly one key; unknown or malformed → null. */
export async function findByIdOrName<T>(
  type: NodeTypeName,
  byId: DataLoader<string, T | null, string>,
  byName: DataLoader<string, T | null, string>,
  id: string | null | undefined,
  name: string | null | undefined,
): Promise<T | null> {
  if ((id == null) === (name == null)) throw new BadInputError(id == null ? 'id' : 'name', 'give exactly one of id or name');
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
