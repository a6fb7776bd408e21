import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DateColumn } from '../common/base.entity';
import { ConnectionType } from '../common/pagination';
import { LIMITS } from '../common/validation';
import { EventType } from './event-type';

/**
 * One change the registry made: the audit log, append-only. Written only by `recordEvent` (src/audit/record.ts)
 * in the transaction of the change; `sequence` and `hash` are filled afterwards by the sealer
 * (src/audit/sealer.ts), the only writer of those two columns and only of rows where they are still null.
 */
@ObjectType({ description: 'A change the registry made: who, what, when, before and after; sequence and hash once sealed' })
@Entity('audit_event')
@Index('UQ_audit_event_id', ['id'], { unique: true })
@Index('UQ_audit_event_sequence', ['sequence'], { unique: true })
@Index('IDX_audit_event_entity', ['entityId', 'position'])
@Index('IDX_audit_event_actor', ['actor', 'position'])
@Index('IDX_audit_event_action', ['action', 'position'])
@Index('IDX_audit_event_at', ['at', 'position'])
export class AuditEvent {
  /** Insert order only (ids are handed out at insert, not commit): the feed's order and cursor key, never the chain's. */
  @PrimaryGeneratedColumn({ name: 'pos', type: 'integer' })
  position: number;

  @Field(() => ID, { description: 'evt_…' })
  @Column({ type: 'varchar', length: 40 })
  id: string;

  @Field(() => Int, { nullable: true, description: 'Place in the hash chain (1, 2, …, no gaps); null until sealed' })
  @Column({ type: 'integer', nullable: true })
  sequence: number | null;

  @Field(() => Date)
  @DateColumn('at')
  at: Date;

  @Field({ description: 'The subject that made the change' })
  @Column({ type: 'varchar', length: LIMITS.name })
  actor: string;

  @Field(() => EventType)
  @Column({ type: 'varchar', length: 40 })
  action: EventType;

  @Field({ description: 'The type of the object changed (Model, ModelVersion, …)' })
  @Column({ name: 'entity_type', type: 'varchar', length: 40 })
  entityType: string;

  @Field(() => ID)
  @Column({ name: 'entity_id', type: 'varchar', length: 40 })
  entityId: string;

  /** Compact canonical JSON text (secrets redacted), exactly as hashed; exposed parsed as `before`. */
  @Column({ name: 'before', type: 'text', nullable: true })
  beforeJson: string | null;

  /** As `beforeJson`, for the state after the change. */
  @Column({ name: 'after', type: 'text', nullable: true })
  afterJson: string | null;

  @Field(() => String, { nullable: true, description: 'The request that made the change' })
  @Column({ name: 'request_id', type: 'varchar', length: 100, nullable: true })
  requestId: string | null;

  /** The canonical JSON text of the event (without its sequence), as stored at insert: what the chain hashes. */
  @Column({ type: 'text' })
  canonical: string;

  @Field(() => String, { nullable: true, description: 'sha256(previous hash + canonical JSON with the sequence), hex; null until sealed' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  hash: string | null;
}

export const AuditEventConnection = ConnectionType('AuditEvent', AuditEvent);
