import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { newEventId, type NodeTypeName } from '../common/ids';
import { AuditEvent } from './audit-event.entity';
import { canonicalText, stateJson } from './canonical';
import type { EventType } from './event-type';

/**
 * Who asks for a change: the subject (`ctx.actor`) and the request id (`ctx.requestId`). Resolvers pass
 * `callerOf(ctx)`; services hand it on, and notes of lifecycle and deployment changes extend it.
 */
export interface Caller {
  actor: string;
  requestId?: string | null;
}

export function callerOf(ctx: { actor: string; requestId: string }): Caller {
  return { actor: ctx.actor, requestId: ctx.requestId };
}

/** What happened: the action, the object it happened to, and what changed (before / after, compact). */
export interface EventInput {
  action: EventType;
  /** A node type name, or another kind of object (`ApiToken`, …) for changes to things that are not nodes. */
  entityType: NodeTypeName | (string & {});
  entityId: string;
  before?: object | null;
  after?: object | null;
}

/** Called after each commit that recorded an event (the sealer wakes on it). */
type CommitListener = () => void;
const listeners = new WeakMap<Database, CommitListener>();

/** The sealer of this process listens here (one per Database). */
export function onEventsCommitted(db: Database, listener: CommitListener | null): void {
  if (listener) listeners.set(db, listener);
  else listeners.delete(db);
}

/**
 * The one way an audit event is written: inside the service's transaction (`db.transaction`), so the event
 * commits with the change or not at all. A service calls it once per thing that happened, after its
 * checks passed; a no-op or an idempotent replay calls it not at all. `before`/`after` hold only what
 * changed, secrets redacted (see canonical.ts `redact`).
 */
export async function recordEvent(db: Database, caller: Caller, event: EventInput): Promise<void> {
  if (!db.inTransaction) throw new Error('recordEvent() outside a transaction: the event must commit with its change');
  const fields = {
    id: newEventId(),
    at: now(),
    actor: caller.actor,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    beforeJson: stateJson(event.before),
    afterJson: stateJson(event.after),
    requestId: caller.requestId ?? null,
  };
  await db.manager.insert(AuditEvent, { ...fields, canonical: canonicalText(fields), sequence: null, hash: null });
  const listener = listeners.get(db);
  if (listener) db.afterCommit(listener);
}
