import { randomUUID } from 'node:crypto';
import { AuditEvent } from '../audit/audit-event.entity';
import type { EventType } from '../audit/event-type';
import { now } from '../common/base.entity';
import { newRecordId } from '../common/ids';
import type { Logger } from '../common/logger';
import { Passes } from '../common/passes';
import type { WebhookSettings } from '../config';
import type { Database } from '../db/database';
import { postOnce, signature, type PostOutcome } from './post';
import { DeliveryStatus, Webhook, WebhookDelivery } from './webhook.entity';

/** Audit events turned into deliveries per webhook and statement. */
const SCAN_BATCH = 500;
/** Open deliveries read per pass (the oldest first). */
const READ_BATCH = 1000;
/** Attempts in flight at once in one process. */
const MAX_IN_FLIGHT = 16;
/** The longest wait between retries. */
const MAX_BACKOFF_MS = 6 * 3600_000;

const OPEN = [DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.IN_FLIGHT, DeliveryStatus.DEAD];

/** The wait before retry `attempts + 1`: exponential from the base, with jitter (half to all of it). */
export function backoffMs(base: number, attempts: number): number {
  const full = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + Math.random() * (full / 2));
}

/**
 * Delivers sealed audit events to webhooks, at least once, in sequence order per (webhook, entity). The audit
 * log is the outbox: a pass (1) turns events sealed past each active webhook's cursor into delivery rows (the
 * cursor moves with a conditional UPDATE in the same transaction, so concurrent processes never both insert),
 * (2) reads the open deliveries and takes, per (webhook, entity), the oldest one: if it is due it is claimed
 * with a conditional UPDATE (status, attempts and an expired lease as read: only one process wins), then
 * POSTed outside any transaction and its outcome recorded only by the claim's holder. A DEAD head holds its
 * entity back until redelivered or skipped; an expired lease (a crashed process) is claimed again.
 *
 * It wakes when this process seals audit events (outside any request: it never delays or fails a mutation),
 * at the next retry due, and every `pollMs` for what other processes sealed.
 */
export class WebhookDispatcher {
  private readonly passes: Passes;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private soon: NodeJS.Timeout | undefined;
  /** Told each recorded attempt's outcome (the app's metrics count them). */
  onOutcome: (status: DeliveryStatus) => void = () => undefined;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly settings: WebhookSettings,
    /** Whether private targets are allowed now (the setting, or open local mode). */
    private readonly allowPrivate: () => boolean,
  ) {
    this.passes = new Passes('WebhookDispatcher', async () => {
      await this.scan();
      await this.dispatch();
    }, (error) => {
      if (!this.stopped) this.log.error({ err: error }, 'webhook pass failed; retrying at the next wake');
    });
  }

  private get stopped(): boolean {
    return this.passes.stopped;
  }

  start(): void {
    this.passes.start(this.settings.pollMs);
  }

  wake(): void {
    this.passes.wake();
  }

  /** Resolves once no pass and no attempt is running. */
  async idle(): Promise<void> {
    do {
      await this.passes.idle();
      await Promise.all([...this.inFlight]);
    } while (this.passes.busy || this.inFlight.size);
  }

  async stop(): Promise<void> {
    this.passes.halt();
    clearTimeout(this.soon);
    this.abort.abort();
    await this.idle();
  }

  /** Turns newly sealed events into deliveries of every active webhook. */
  async scan(): Promise<void> {
    const hooks = await this.db.manager.createQueryBuilder(Webhook, 'w').where('w.active = 1').getMany();
    for (const hook of hooks) {
      const events = await this.db.manager.createQueryBuilder(AuditEvent, 'e')
        .select(['e.position', 'e.id', 'e.sequence', 'e.action', 'e.entityId'])
        .where('e.sequence > :after', { after: hook.scannedSequence })
        .orderBy('e.sequence', 'ASC').limit(SCAN_BATCH).getMany();
      if (!events.length) continue;
      const types = new Set<EventType>(hook.events);
      const at = now();
      const rows = events.filter((e) => types.has(e.action) && e.position > hook.startPosition).map((e) => Object.assign(new WebhookDelivery(), {
        id: newRecordId('WebhookDelivery'), webhookId: hook.id, eventId: e.id, eventType: e.action, entityId: e.entityId,
        sequence: e.sequence!, status: DeliveryStatus.PENDING, attempts: 0, nextAttemptAt: at, leaseUntil: null, claim: null,
        lastAttemptAt: null, lastStatusCode: null, lastError: null, lastDurationMs: null, lastResponse: null, deliveredAt: null, createdAt: at,
      }));
      await this.db.transaction(async (em) => {
        const moved = await em.createQueryBuilder().update(Webhook).set({ scannedSequence: events[events.length - 1].sequence! })
          .where('id = :id AND scanned_sequence = :seen', { id: hook.id, seen: hook.scannedSequence }).execute();
        if (moved.affected !== 1) return; // another process turned these events into deliveries
        for (let i = 0; i < rows.length; i += 100) await em.insert(WebhookDelivery, rows.slice(i, i + 100));
      });
      if (events.length === SCAN_BATCH) this.passes.another();
    }
  }

  /** Claims the due head delivery of each (webhook, entity) and starts its attempt. */
  async dispatch(): Promise<void> {
    const open = await this.db.manager.createQueryBuilder(WebhookDelivery, 'd')
      .innerJoin(Webhook, 'w', 'w.id = d.webhookId')
      .where('d.status IN (:...open)', { open: OPEN }).andWhere('w.active = 1')
      .orderBy('d.sequence', 'ASC').addOrderBy('d.id', 'ASC').limit(READ_BATCH).getMany();
    const heads = new Map<string, WebhookDelivery>();
    for (const d of open) if (!heads.has(`${d.webhookId} ${d.entityId}`)) heads.set(`${d.webhookId} ${d.entityId}`, d);
    const at = now();
    let soonest = Infinity;
    for (const head of heads.values()) {
      // At the cap, each attempt that ends wakes another pass.
      if (this.stopped || this.inFlight.size >= MAX_IN_FLIGHT) break;
      const due = head.status === DeliveryStatus.IN_FLIGHT ? head.leaseUntil?.getTime() ?? 0
        : head.status === DeliveryStatus.DEAD ? Infinity : head.nextAttemptAt.getTime();
      if (due > at.getTime()) {
        soonest = Math.min(soonest, due);
        continue;
      }
      const claim = await this.claim(head, at);
      if (!claim) continue;
      const attempt = this.attempt(head, claim).catch((error: unknown) => {
        if (!this.stopped) this.log.error({ err: error, delivery: head.id }, 'webhook attempt could not be recorded; its lease will expire');
      }).finally(() => {
        this.inFlight.delete(attempt);
        this.wake();
      });
      this.inFlight.add(attempt);
    }
    if (open.length === READ_BATCH) soonest = Math.min(soonest, Date.now() + this.settings.pollMs);
    this.schedule(soonest);
  }

  private schedule(at: number): void {
    if (!Number.isFinite(at) || this.stopped) return;
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.wake(), Math.max(0, at - Date.now()) + 5);
    this.soon.unref();
  }

  /** The lease outlives an attempt (resolution and POST are both bounded by the timeout). */
  private get leaseMs(): number {
    return 2 * this.settings.timeoutMs + 5_000;
  }

  /** One conditional UPDATE: the claim, or null when another process (or a redelivery) changed the row first. */
  private async claim(head: WebhookDelivery, at: Date): Promise<string | null> {
    const claim = randomUUID();
    const result = await this.db.transaction((em) => em.createQueryBuilder().update(WebhookDelivery)
      .set({ status: DeliveryStatus.IN_FLIGHT, claim, leaseUntil: new Date(at.getTime() + this.leaseMs), attempts: head.attempts + 1, lastAttemptAt: at })
      .where('id = :id AND status = :status AND attempts = :attempts', { id: head.id, status: head.status, attempts: head.attempts })
      .andWhere('(lease_until IS NULL OR lease_until < :at)', { at: this.db.dateParam(at) })
      .execute());
    return result.affected === 1 ? claim : null;
  }

  private async attempt(head: WebhookDelivery, claim: string): Promise<void> {
    const [event, hook] = await Promise.all([
      this.db.manager.findOneByOrFail(AuditEvent, { id: head.eventId }),
      this.db.manager.findOneByOrFail(Webhook, { id: head.webhookId }),
    ]);
    const body = JSON.stringify({
      id: event.id, type: event.action, occurredAt: event.at.toISOString(),
      data: {
        entityType: event.entityType, entityId: event.entityId, actor: event.actor,
        before: parse(event.beforeJson), after: parse(event.afterJson), sequence: event.sequence,
      },
    });
    const outcome = await postOnce(hook.url, body, {
      'user-agent': 'modelgraph-webhooks', 'x-registry-event': event.action, 'x-registry-delivery': event.id,
      'x-registry-signature': signature(hook.secret, body),
    }, { timeoutMs: this.settings.timeoutMs, allowPrivate: this.allowPrivate(), signal: this.abort.signal });
    if (this.stopped && !outcome.ok) return; // aborted by stop(): the lease expires and another pass retries it
    await this.record(head, claim, outcome);
  }

  /** The outcome, written only while the claim is still this attempt's. */
  private async record(head: WebhookDelivery, claim: string, outcome: PostOutcome): Promise<void> {
    const at = now();
    const attempts = head.attempts + 1;
    const status = outcome.ok ? DeliveryStatus.DELIVERED : attempts >= this.settings.maxAttempts ? DeliveryStatus.DEAD : DeliveryStatus.FAILED;
    const nextAttemptAt = status === DeliveryStatus.FAILED ? new Date(at.getTime() + backoffMs(this.settings.retryBaseMs, attempts)) : at;
    await this.db.transaction((em) => em.createQueryBuilder().update(WebhookDelivery)
      .set({
        status, nextAttemptAt, leaseUntil: null, claim: null, lastStatusCode: outcome.statusCode, lastError: outcome.error,
        lastDurationMs: outcome.durationMs, lastResponse: outcome.response, deliveredAt: outcome.ok ? at : null,
      })
      .where('id = :id AND claim = :claim', { id: head.id, claim }).execute());
    this.onOutcome(status);
    if (status === DeliveryStatus.DEAD) this.log.warn({ delivery: head.id, webhook: head.webhookId, error: outcome.error }, 'webhook delivery dead-lettered');
  }
}

const parse = (text: string | null): unknown => (text == null ? null : JSON.parse(text));
