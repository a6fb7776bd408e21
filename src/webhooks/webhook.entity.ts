import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { EventType } from '../audit/event-type';
import { DateColumn } from '../common/base.entity';
import { ConnectionType } from '../common/pagination';
import { LIMITS } from '../common/validation';
import { RESTRICT } from '../db/constraints';

export enum DeliveryStatus {
  PENDING = 'PENDING',
  IN_FLIGHT = 'IN_FLIGHT',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  DEAD = 'DEAD',
  SKIPPED = 'SKIPPED',
}

registerEnumType(DeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING (not tried yet), IN_FLIGHT (being posted under a lease), DELIVERED (a 2xx answer), FAILED (retrying '
    + 'at nextAttemptAt), DEAD (out of attempts: holds back later events of its entity until redelivered or skipped), SKIPPED',
});

/**
 * A subscriber: sealed audit events of the chosen types are POSTed to `url`, signed with `secret`. The secret is
 * kept as given (an HMAC key must be recoverable to sign); it is never exposed after creation nor recorded in the
 * audit log. `scannedSequence` is how far the dispatcher has turned the audit log into deliveries for it.
 */
@ObjectType({ description: 'A URL that receives the audit events of the chosen types (never its secret after creation)' })
@Entity('webhook')
@Index('IDX_webhook_active', ['active', 'id'])
export class Webhook {
  @Field(() => ID, { description: 'whk_…' })
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.uri })
  url: string;

  /** JSON array of EventType names. */
  @Column({ name: 'events', type: 'text' })
  eventsJson: string;

  @Column({ type: 'varchar', length: 200 })
  secret: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field({ description: 'False once deleted: nothing more is delivered; its deliveries stay readable' })
  @Column({ type: 'boolean' })
  active: boolean;

  @Field(() => Date)
  @DateColumn('created_at')
  createdAt: Date;

  @Field()
  @Column({ name: 'created_by', type: 'varchar', length: LIMITS.name })
  createdBy: string;

  @Field(() => Date, { nullable: true })
  @DateColumn('deleted_at', { nullable: true })
  deletedAt: Date | null;

  /** The last audit sequence turned into deliveries (starts at the sequence current at creation). */
  @Column({ name: 'scanned_sequence', type: 'integer' })
  scannedSequence: number;

  /**
   * The last audit event (insert position) committed at creation: events committed before it but sealed after
   * it are not delivered either.
   */
  @Column({ name: 'start_position', type: 'integer' })
  startPosition: number;

  get events(): EventType[] {
    return JSON.parse(this.eventsJson) as EventType[];
  }
}

export const WebhookConnection = ConnectionType('Webhook', Webhook);

@ObjectType({ description: 'A new webhook: `secret` signs its deliveries and is shown this once only' })
export class CreatedWebhook {
  @Field(() => Webhook)
  webhook: Webhook;

  @Field({ description: 'The HMAC-SHA256 key of X-Registry-Signature; it cannot be read again' })
  secret: string;
}

/** One audit event to one webhook: its state, and the outcome of the last attempt. */
@ObjectType({ description: 'One audit event sent (or to be sent) to one webhook' })
@Entity('webhook_delivery')
@Unique('UQ_webhook_delivery_event', ['webhookId', 'eventId'])
@Index('IDX_webhook_delivery_open', ['status', 'sequence'])
@Index('IDX_webhook_delivery_webhook', ['webhookId', 'sequence'])
export class WebhookDelivery {
  @Field(() => ID, { description: 'whd_…' })
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @ForeignKey(() => Webhook, RESTRICT)
  @Column({ name: 'webhook_id', type: 'varchar', length: 40 })
  webhookId: string;

  @Field(() => ID, { description: 'The audit event (evt_…): the X-Registry-Delivery header, the same on every attempt' })
  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  @Field(() => EventType)
  @Column({ name: 'event_type', type: 'varchar', length: 40 })
  eventType: EventType;

  @Field(() => ID)
  @Column({ name: 'entity_id', type: 'varchar', length: 40 })
  entityId: string;

  @Field(() => Int, { description: 'The event\'s place in the audit chain: deliveries of one entity go out in this order' })
  @Column({ type: 'integer' })
  sequence: number;

  @Field(() => DeliveryStatus)
  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Field(() => Int)
  @Column({ type: 'integer' })
  attempts: number;

  @Field(() => Date, { description: 'When the next attempt may start' })
  @DateColumn('next_attempt_at')
  nextAttemptAt: Date;

  @DateColumn('lease_until', { nullable: true })
  leaseUntil: Date | null;

  /** Names the claim holding the lease: only its holder records the outcome. */
  @Column({ name: 'claim', type: 'varchar', length: 40, nullable: true })
  claim: string | null;

  @Field(() => Date, { nullable: true })
  @DateColumn('last_attempt_at', { nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer; null when none came' })
  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, refused address, status …)' })
  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'last_duration_ms', type: 'integer', nullable: true })
  lastDurationMs: number | null;

  @Field(() => String, { nullable: true, description: 'The start of the last answer\'s body (at most 4 KB)' })
  @Column({ name: 'last_response', type: 'text', nullable: true })
  lastResponse: string | null;

  @Field(() => Date, { nullable: true })
  @DateColumn('delivered_at', { nullable: true })
  deliveredAt: Date | null;

  @Field(() => Date)
  @DateColumn('created_at')
  createdAt: Date;
}

export const WebhookDeliveryConnection = ConnectionType('WebhookDelivery', WebhookDelivery);
