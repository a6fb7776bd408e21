import { now } from '../common/base.entity';
import type { Database } from '../db/database';
import { DeploymentMetricSample } from './drift.entity';

/** The most samples one prune deletes, so pruning never holds the table for long. */
export const SAMPLE_PRUNE_BATCH = 1000;
/** Without a backlog, prune at most this often (per process). */
const PRUNE_INTERVAL_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes at most `batch` samples measured before `now - retentionDays` (oldest first); returns how many.
 * Two short statements, no long lock: a large backlog drains over several calls.
 */
export async function pruneDriftSamples(db: Database, options: { retentionDays: number; now?: Date; batch?: number }): Promise<number> {
  const cutoff = db.dateParam(new Date((options.now ?? now()).getTime() - options.retentionDays * DAY_MS));
  const rows = await db.manager.createQueryBuilder(DeploymentMetricSample, 's').select('s.id', 'id')
    .where('s.at < :cutoff', { cutoff })
    .orderBy('s.at', 'ASC').limit(options.batch ?? SAMPLE_PRUNE_BATCH).getRawMany<{ id: number }>();
  if (!rows.length) return 0;
  const result = await db.transaction((em) => em.createQueryBuilder().delete().from(DeploymentMetricSample)
    .where('id IN (:...ids)', { ids: rows.map((r) => r.id) })
    .andWhere('at < :cutoff', { cutoff }).execute());
  return result.affected ?? rows.length;
}

const lastPrune = new WeakMap<Database, { at: number; full: boolean }>();

/**
 * Pruning rides on sample writes (as idempotency keys' does): once a minute, or on every write while a
 * backlog remains (the last prune deleted a full batch). A failed prune never fails the committed write.
 */
export async function pruneOccasionally(db: Database, retentionDays: number): Promise<void> {
  // Housekeeping never runs inside a caller's transaction: a failure there would fail the caller's work.
  if (db.inTransaction) return;
  const last = lastPrune.get(db);
  if (last && !last.full && Date.now() - last.at < PRUNE_INTERVAL_MS) return;
  lastPrune.set(db, { at: Date.now(), full: false });
  try {
    lastPrune.set(db, { at: Date.now(), full: (await pruneDriftSamples(db, { retentionDays })) === SAMPLE_PRUNE_BATCH });
  } catch {
    // The samples have committed; old rows stay until the next prune.
  }
}
