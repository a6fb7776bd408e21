import { Column, Entity, PrimaryColumn, type EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { DateColumn, now } from './base.entity';
import { LIMITS } from './validation';
import { BadInputError } from './errors';

/** Remembers which object a create mutation made for an idempotency key (scope = the mutation). */
@Entity('idempotency_key')
export class IdempotencyKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  scope: string;

  @PrimaryColumn({ type: 'varchar', length: LIMITS.name })
  key: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 40 })
  entityId: string;

  @DateColumn('created_at')
  createdAt: Date;
}

export interface CreateSpec<T> {
  scope: string;
  key?: string | null;
  id: string;
  /** Writes the object with the given id inside the transaction. */
  create: (em: EntityManager, id: string) => Promise<T>;
  /** Reads an object created earlier (the first call's result). */
  find: (id: string) => Promise<T | null>;
  /** Maps a unique-constraint violation of the object itself (e.g. a taken name) to a client error. */
  onConflict: () => Error;
}

/**
 * Runs a create in one transaction. With a key, the key row is written first in the same transaction, so
 * a concurrent duplicate call blocks on it (MySQL) or follows it (SQLite) and then returns the first object.
 */
export async function createOnce<T>(db: Database, spec: CreateSpec<T>): Promise<T> {
  const { key, scope } = spec;
  if (key != null && (key.length === 0 || key.length > LIMITS.name)) {
    throw new BadInputError('input.idempotencyKey', `must be 1 to ${LIMITS.name} characters`);
  }
  const earlier = async (): Promise<T | null> => {
    if (key == null) return null;
    const row = await db.manager.findOneBy(IdempotencyKey, { scope, key });
    return row ? spec.find(row.entityId) : null;
  };
  const first = await earlier();
  if (first) return first;
  try {
    return await db.transaction(async (em) => {
      if (key != null) await em.insert(IdempotencyKey, { scope, key, entityId: spec.id, createdAt: now() });
      return spec.create(em, spec.id);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await earlier();
    if (winner) return winner;
    throw spec.onConflict();
  }
}
