import { randomBytes } from 'node:crypto';
import { IsNull, Not } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError, PreconditionFailedError } from '../common/errors';
import { isRecordIdOf, newRecordId } from '../common/ids';
import { lock } from '../common/lock';
import { paginate, SortDirection, type Page, type PageArgs } from '../common/pagination';
import type { Database } from '../db/database';
import { urlProblem } from './address';
import { DeliveryStatus, Webhook, WebhookDelivery, type CreatedWebhook } from './webhook.entity';
import type { CreateWebhookInput } from './webhook.inputs';

/** Generated signing keys: a recognisable prefix and 256 random bits. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Webhooks: create (secret shown once), deactivate, list; redeliver or skip a delivery. Delivery itself: dispatcher.ts. */
export class WebhookService {
  /** Whether private targets are allowed now (WEBHOOK_ALLOW_PRIVATE, or open local mode): set by RegistryApp. */
  allowPrivate: () => boolean = () => false;

  constructor(private readonly db: Database) {}

  async create(input: CreateWebhookInput, caller: Caller): Promise<CreatedWebhook> {
    const problem = urlProblem(input.url, this.allowPrivate());
    if (problem) throw new BadInputError('input.url', problem);
    const secret = input.secret ?? newWebhookSecret();
    return this.db.transaction(async (em) => {
      // Events committed before now are not delivered to it: its cursor starts at the chain's tail, and events
      // committed but not yet sealed (at most this position) are passed over too.
      const tail = await em.findOne(AuditEvent, { select: { position: true, sequence: true }, where: { sequence: Not(IsNull()) }, order: { sequence: 'DESC' } });
      const last = await em.findOne(AuditEvent, { select: { position: true }, where: {}, order: { position: 'DESC' } });
      const row = Object.assign(new Webhook(), {
        id: newRecordId('Webhook'), url: input.url, eventsJson: JSON.stringify(input.events), secret, description: input.description ?? null,
        active: true, createdAt: now(), createdBy: caller.actor, deletedAt: null, scannedSequence: tail?.sequence ?? 0, startPosition: last?.position ?? 0,
      });
      await em.insert(Webhook, row);
      // Never the secret: what a reader of the log needs to know which webhook this was.
      await recordEvent(this.db, caller, {
        action: EventType.WEBHOOK_CREATED, entityType: 'Webhook', entityId: row.id,
        after: { url: row.url, events: input.events, description: row.description },
      });
      return { webhook: row, secret };
    });
  }

  /** Deactivates it (rows stay: deliveries keep their history). True when this call did; false when it was inactive already. */
  async delete(id: string, caller: Caller): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const row = isRecordIdOf('Webhook', id) ? await lock(this.db, Webhook, { id }) : null;
      if (!row) throw new NotFoundError('Webhook', id, 'id');
      if (!row.active) return false;
      const deletedAt = now();
      await em.update(Webhook, { id }, { active: false, deletedAt });
      await recordEvent(this.db, caller, {
        action: EventType.WEBHOOK_DELETED, entityType: 'Webhook', entityId: id, before: { active: true }, after: { active: false, deletedAt },
      });
      return true;
    });
  }

  list(page: PageArgs): Promise<Page<Webhook>> {
    return paginate(this.db.manager.createQueryBuilder(Webhook, 'w'), { property: 'id', direction: SortDirection.DESC }, page);
  }

  /** Sends it again from the first attempt (any state; an attempt in flight is superseded). */
  async redeliver(deliveryId: string, caller: Caller): Promise<WebhookDelivery> {
    return this.change(deliveryId, caller, EventType.WEBHOOK_REDELIVERED, (row) => {
      if (!row.active) throw new PreconditionFailedError(`webhook ${row.webhookId} is deleted: nothing is delivered to it`);
      return { status: DeliveryStatus.PENDING, attempts: 0, nextAttemptAt: now(), leaseUntil: null, claim: null, deliveredAt: null };
    });
  }

  /** Gives up on a DEAD or FAILED delivery, so later events of its entity go out. */
  async skip(deliveryId: string, caller: Caller): Promise<WebhookDelivery> {
    return this.change(deliveryId, caller, EventType.WEBHOOK_DELIVERY_SKIPPED, (row) => {
      if (row.status !== DeliveryStatus.DEAD && row.status !== DeliveryStatus.FAILED) {
        throw new PreconditionFailedError(`delivery ${row.id} is ${row.status}: only a DEAD or FAILED delivery can be skipped`);
      }
      return { status: DeliveryStatus.SKIPPED, leaseUntil: null, claim: null };
    });
  }

  private async change(deliveryId: string, caller: Caller, action: EventType,
    next: (row: WebhookDelivery & { active: boolean }) => Partial<WebhookDelivery>): Promise<WebhookDelivery> {
    return this.db.transaction(async (em) => {
      const row = isRecordIdOf('WebhookDelivery', deliveryId) ? await lock(this.db, WebhookDelivery, { id: deliveryId }) : null;
      if (!row) throw new NotFoundError('WebhookDelivery', deliveryId, 'deliveryId');
      const hook = await em.findOneByOrFail(Webhook, { id: row.webhookId });
      const changes = next(Object.assign(row, { active: hook.active }));
      const before = { status: row.status, attempts: row.attempts };
      await em.update(WebhookDelivery, { id: deliveryId }, changes);
      const updated = await em.findOneByOrFail(WebhookDelivery, { id: deliveryId });
      await recordEvent(this.db, caller, {
        action, entityType: 'WebhookDelivery', entityId: deliveryId, before,
        after: { status: updated.status, attempts: updated.attempts, webhookId: updated.webhookId, eventId: updated.eventId },
      });
      return updated;
    });
  }
}
