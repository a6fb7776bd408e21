import { monotonicFactory } from 'ulid';

/**
 * Global ids: a short type prefix + a lowercase ULID. Unique across tables, sortable by creation
 * (keyset cursors on id are creation order), and the type is read from the prefix without a lookup.
 * Every type here has its row in the node-type registry (src/node/node-types.ts; the compiler checks).
 */
export const ID_PREFIXES = {
  Experiment: 'exp',
  Run: 'run',
  Model: 'mdl',
  ModelVersion: 'mv',
  Dataset: 'ds',
  DatasetVersion: 'dsv',
  Deployment: 'dep',
  TransitionRequest: 'tr',
} as const;

export type NodeTypeName = keyof typeof ID_PREFIXES;

/** Prefixes of ids that name records, not nodes (no `node(id:)`, no federation entity). */
export const RECORD_ID_PREFIXES = {
  ApiToken: 'tok',
  Webhook: 'whk',
  WebhookDelivery: 'whd',
} as const;

export type RecordTypeName = keyof typeof RECORD_ID_PREFIXES;

const typeByPrefix = new Map<string, NodeTypeName>(
  Object.entries(ID_PREFIXES).map(([type, prefix]) => [prefix, type as NodeTypeName]),
);

const ID_PATTERN = /^([a-z]{2,4})_([0-9a-hjkmnp-tv-z]{26})$/;
const nextUlid = monotonicFactory();

export function newId(type: NodeTypeName, at: number = Date.now()): string {
  return `${ID_PREFIXES[type]}_${nextUlid(at).toLowerCase()}`;
}

export function newRecordId(type: RecordTypeName, at: number = Date.now()): string {
  return `${RECORD_ID_PREFIXES[type]}_${nextUlid(at).toLowerCase()}`;
}

/** Whether `id` is a well-formed id of this record type. */
export function isRecordIdOf(type: RecordTypeName, id: string): boolean {
  const match = ID_PATTERN.exec(id);
  return match !== null && match[1] === RECORD_ID_PREFIXES[type];
}

/** The node type an id names, or null when it is not a well-formed id of ours. */
export function typeOfId(id: string): NodeTypeName | null {
  const match = ID_PATTERN.exec(id);
  return match ? (typeByPrefix.get(match[1]) ?? null) : null;
}

/** Audit event ids (`evt_…`): prefixed like node ids, but audit events are not nodes. */
export const EVENT_ID_PREFIX = 'evt';

export function newEventId(at: number = Date.now()): string {
  return `${EVENT_ID_PREFIX}_${nextUlid(at).toLowerCase()}`;
}

export function isIdOf(type: NodeTypeName, id: string): boolean {
  return typeOfId(id) === type;
}
