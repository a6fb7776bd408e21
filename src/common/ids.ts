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

const typeByPrefix = new Map<string, NodeTypeName>(
  Object.entries(ID_PREFIXES).map(([type, prefix]) => [prefix, type as NodeTypeName]),
);

const ID_PATTERN = /^([a-z]{2,4})_([0-9a-hjkmnp-tv-z]{26})$/;
const nextUlid = monotonicFactory();

export function newId(type: NodeTypeName, at: number = Date.now()): string {
  return `${ID_PREFIXES[type]}_${nextUlid(at).toLowerCase()}`;
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
