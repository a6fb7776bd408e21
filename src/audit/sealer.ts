import { IsNull, Not, type EntityManager } from 'typeorm';
import type { Logger } from '../common/logger';
import { Passes } from '../common/passes';
import type { Database } from '../db/database';
import { AuditEvent } from './audit-event.entity';
import { chainHash } from './canonical';
import { onEventsCommitted } from './record';

/** Events sealed per statement batch (one transaction may seal several batches). */
export const SEAL_BATCH = 200;
/** How long a MySQL/MariaDB sealer waits for another process's lease before leaving the work to it. */
const LEASE_WAIT_S = 5;

/**
 * Gives each committed, unsealed audit event the next `sequence` and its `hash` (see canonical.ts), in
 * the order the sealer finds them (insert order among those committed). Ids are handed out at insert, not
 * commit, so the chain is built after commit, under a lease that only one sealer holds at a time:
 * `GET_LOCK('<database>.audit_sealer')` on MySQL/MariaDB (across processes), the write lock on SQLite.
 *
 * It runs shortly after each of this process's commits that recorded events (outside the request's async
 * context: its statements are not the request's and never delay its response), plus a slow sweep (at
 * start and every `intervalMs`) for events other processes or crashes left unsealed. A failure is logged
 * and retried by the next wake or sweep; it never fails a mutation.
 */
export class AuditSealer {
  private readonly passes: Passes;
  private readonly sealedListeners: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {
    this.passes = new Passes('AuditSealer', async () => {
      if (await this.sealPending() > 0) for (const listener of this.sealedListeners) listener();
    }, (error) => this.log.error({ err: error }, 'audit events could not be sealed; retrying at the next sweep'));
  }

  /** Called after each pass that sealed events (the webhook dispatcher wakes on it). */
  onSealed(listener: () => void): void {
    this.sealedListeners.push(listener);
  }

  start(): void {
    onEventsCommitted(this.db, () => this.wake());
    this.passes.start(this.intervalMs);
  }

  /** Asks for a pass soon; passes never overlap (a wake during one runs another after it). */
  wake(): void {
    this.passes.wake();
  }

  /** Resolves once no pass is running (a test's way to wait for the events it made to be sealed). */
  idle(): Promise<void> {
    return this.passes.idle();
  }

  async stop(): Promise<void> {
    onEventsCommitted(this.db, null);
    await this.passes.stop();
  }

  /** Seals every committed, unsealed event; returns how many it sealed. */
  async sealPending(): Promise<number> {
    if (this.db.engine === 'sqlite') return this.db.transaction((em) => this.seal(em));
    return this.withMysqlLease((em) => this.seal(em));
  }

  /** Holds the database-wide lease on one connection for a transaction; 0 when another sealer kept it. */
  private async withMysqlLease(work: (em: EntityManager) => Promise<number>): Promise<number> {
    const runner = this.db.dataSource.createQueryRunner('master');
    await runner.connect();
    let leased = false;
    try {
      const [{ got }] = (await runner.query(
        "SELECT GET_LOCK(LEFT(CONCAT(DATABASE(), '.audit_sealer'), 64), ?) AS got", [LEASE_WAIT_S])) as { got: number | string | null }[];
      leased = Number(got) === 1;
      if (!leased) return 0;
      await runner.startTransaction();
      try {
        const sealed = await work(runner.manager);
        await runner.commitTransaction();
        return sealed;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      try {
        if (leased) await runner.query("SELECT RELEASE_LOCK(LEFT(CONCAT(DATABASE(), '.audit_sealer'), 64))");
      } finally {
        await runner.release();
      }
    }
  }

  /** The chain's tail, then the unsealed events in insert order, in batches, each given the next sequence. */
  private async seal(em: EntityManager): Promise<number> {
    const tail = await em.findOne(AuditEvent, {
      select: { position: true, sequence: true, hash: true }, where: { sequence: Not(IsNull()) }, order: { sequence: 'DESC' },
    });
    let sequence = tail?.sequence ?? 0;
    let previous = tail?.hash ?? '';
    let sealed = 0;
    for (;;) {
      const batch = await em.find(AuditEvent, {
        select: { position: true, canonical: true }, where: { sequence: IsNull() }, order: { position: 'ASC' }, take: SEAL_BATCH,
      });
      for (const event of batch) {
        sequence += 1;
        previous = chainHash(previous, event.canonical, sequence);
        await em.update(AuditEvent, { position: event.position, sequence: IsNull() }, { sequence, hash: previous });
      }
      sealed += batch.length;
      if (batch.length < SEAL_BATCH) return sealed;
    }
  }
}
