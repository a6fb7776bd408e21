import { Column, Entity, Index, PrimaryGeneratedColumn, Unique, type EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { DateColumn, now } from './base.entity';
import { LIMITS } from './validation';
import { ClientError, ErrorCode } from './errors';
import { fingerprintOf } from './fingerprint';

/** How long a key is kept at least; older keys are removed in batches (see pruneIdempotencyKeys). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** The most rows one prune deletes, so pruning never holds the table for long. */
export const PRUNE_BATCH = 500;
/** Without a backlog, prune at most this often (per process). */
const PRUNE_INTERVAL_MS = 60 * 1000;
/** Rows written before keys were fingerprinted: their input is unknown, so no retry can match them. */
export const LEGACY_FINGERPRINT = 'legacy';
const LEGACY_SUBJECT = '';

/**
 * Which object a create mutation made for an idempotency key, scoped by (caller subject, mutation), with
 * the SHA-256 fingerprint of the input that made it.
 */
@Entity('idempotency_record')
@Unique('UQ_idempotency_record', ['subject', 'mutation', 'key'])
@Index('IDX_idempotency_record_created', ['createdAt'])
export class IdempotencyKey {
  @PrimaryGeneratedColumn({ name: 'seq', type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'varchar', length: 64 })
  mutation: string;

  @Column({ type: 'varchar', length: LIMITS.name })
  key: string;

  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 40 })
  entityId: string;

  @DateColumn('created_at')
  createdAt: Date;
}

/**
 * The caller an idempotency key belongs to: the authenticated subject (`ctx.actor`: `token:tok_…`,
 * `jwt:<sub>`, `token:admin`, or `local`/`local:<X-Actor>` in open local mode). The one place that decides it.
 */
export function callerSubject(actor: string): string {
  return actor;
}

export class IdempotencyKeyReusedError extends ClientError {
  constructor(key: string) {
    super(`Idempotency key ${JSON.stringify(key)} was already used with a different input; use a new key for a new request`,
      ErrorCode.CONFLICT, { reason: 'IDEMPOTENCY_KEY_REUSED', field: 'input.idempotencyKey' });
  }
}

export interface CreateSpec<T> {
  /** The mutation's name (part of the key's scope). */
  mutation: string;
  /** The acting principal; see callerSubject. */
  actor: string;
  /** The mutation's input: its fingerprint is stored with the key (the key itself excluded). */
  input: { idempotencyKey?: string | null };
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
 * a concurrent duplicate call blocks on it (MySQL) or follows it (SQLite) and then answers from the first
 * call: its object when the input is the same, IDEMPOTENCY_KEY_REUSED when it differs.
 */
export async function createOnce<T>(db: Database, spec: CreateSpec<T>): Promise<T> {
  const key = spec.input.idempotencyKey;
  if (key == null) {
    return db.transaction((em) => spec.create(em, spec.id)).catch((error: unknown) => {
      throw isUniqueViolation(error) ? spec.onConflict() : error;
    });
  }
  const scope = { subject: callerSubject(spec.actor), mutation: spec.mutation, key };
  const fingerprint = fingerprintOf(spec.input);
  const earlier = async (): Promise<T | null> => {
    const rows = await db.manager.find(IdempotencyKey, {
      where: [scope, { ...scope, subject: LEGACY_SUBJECT }],
    });
    if (!rows.length) return null;
    if (rows.some((row) => row.fingerprint !== fingerprint)) throw new IdempotencyKeyReusedError(key);
    return spec.find(rows[0].entityId);
  };
  const first = await earlier();
  if (first) return first;
  try {
    const created = await db.transaction(async (em) => {
      await em.insert(IdempotencyKey, { ...scope, fingerprint, entityId: spec.id, createdAt: now() });
      return spec.create(em, spec.id);
    });
    await pruneOccasionally(db);
    return created;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await earlier();
    if (winner) return winner;
    throw spec.onConflict();
  }
}

/**
 * Deletes at most `batch` keys created before `now - retention` (oldest first); returns how many.
 * Two short statements, no long lock: a large backlog drains over several calls.
 */
export async function pruneIdempotencyKeys(db: Database, options: { now?: Date; retentionMs?: number; batch?: number } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? now()).getTime() - (options.retentionMs ?? IDEMPOTENCY_RETENTION_MS));
  const rows = await db.manager.createQueryBuilder(IdempotencyKey, 'k').select('k.seq', 'seq')
    .where('k.createdAt < :cutoff', { cutoff: db.dateParam(cutoff) })
    .orderBy('k.createdAt', 'ASC').limit(options.batch ?? PRUNE_BATCH).getRawMany<{ seq: number }>();
  if (!rows.length) return 0;
  const result = await db.transaction((em) => em.createQueryBuilder().delete().from(IdempotencyKey)
    .where('seq IN (:...seqs)', { seqs: rows.map((r) => r.seq) })
    .andWhere('created_at < :cutoff', { cutoff: db.dateParam(cutoff) }).execute());
  return result.affected ?? rows.length;
}

const lastPrune = new WeakMap<Database, { at: number; full: boolean }>();

/**
 * Pruning rides on keyed writes: once a minute, or on every keyed write while a backlog remains (the
 * last prune deleted a full batch). A failed prune is retried by a later write; it never fails the create.
 */
async function pruneOccasionally(db: Database): Promise<void> {
  // Housekeeping never runs inside a caller's transaction: a failure there would fail the caller's work.
  if (db.inTransaction) return;
  const last = lastPrune.get(db);
  if (last && !last.full && Date.now() - last.at < PRUNE_INTERVAL_MS) return;
  lastPrune.set(db, { at: Date.now(), full: false });
  try {
    lastPrune.set(db, { at: Date.now(), full: (await pruneIdempotencyKeys(db)) === PRUNE_BATCH });
  } catch {
    // The create has committed; the rows stay until the next prune.
  }
}
