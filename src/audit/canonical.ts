import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/fingerprint';

/** The columns of an event that its canonical text (and so the chain) covers, besides the sequence. */
export interface EventFields {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  /** Compact canonical JSON text, or null. */
  beforeJson: string | null;
  afterJson: string | null;
  requestId: string | null;
}

/**
 * The canonical JSON text of an event: keys sorted, no spaces, `before`/`after` embedded exactly as stored
 * (they are canonical JSON text themselves), `at` as ISO-8601 UTC with milliseconds. Built from the stored
 * columns by concatenation, so verifying never re-serializes a stored value.
 */
export function canonicalText(e: EventFields): string {
  const s = (v: string | null) => JSON.stringify(v);
  return `{"action":${s(e.action)},"actor":${s(e.actor)},"after":${e.afterJson ?? 'null'},"at":${s(e.at.toISOString())},` +
    `"before":${e.beforeJson ?? 'null'},"entity_id":${s(e.entityId)},"entity_type":${s(e.entityType)},"id":${s(e.id)},` +
    `"request_id":${s(e.requestId)}}`;
}

/** The text a sealed event's hash covers: its canonical text with `"sequence"` (the last key in sorted order) added. */
export function sealedText(canonical: string, sequence: number): string {
  return `${canonical.slice(0, -1)},"sequence":${sequence}}`;
}

/** sha256(previous hash + sealed text), hex; the first event's previous hash is the empty string. */
export function chainHash(previous: string, canonical: string, sequence: number): string {
  return createHash('sha256').update(previous).update(sealedText(canonical, sequence)).digest('hex');
}

const SECRET = /(token|secret|password|passphrase|credential|api_?key|private_?key)/i;
export const REDACTED = '[REDACTED]';

/**
 * The most bytes one side (before or after) keeps as it is. Both sides and the rest of an event then fit
 * the `text` columns of every engine (64 KiB on MySQL/MariaDB).
 */
export const STATE_BUDGET_BYTES = 24 * 1024;
/** Beyond the budget, members larger than this are replaced by their digest first. */
const MEMBER_BUDGET_BYTES = 2 * 1024;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const digestOf = (text: string) => ({ sha256: createHash('sha256').update(text).digest('hex'), bytes: bytes(text) });

/**
 * Compact canonical JSON (keys sorted) of a before/after value with secrets redacted; null stays null.
 * A side larger than STATE_BUDGET_BYTES keeps its small members and gives each large one (64 KB of run
 * params, a thousand tags) as `{"sha256": …, "bytes": …}` of its canonical JSON; if still too large, the
 * whole side is that digest.
 */
export function stateJson(value: object | null | undefined): string | null {
  if (value == null) return null;
  const redacted = redact(value) as Record<string, unknown>;
  const whole = canonicalJson(redacted);
  if (bytes(whole) <= STATE_BUDGET_BYTES) return whole;
  const members = Object.fromEntries(Object.entries(redacted).map(([key, member]) => {
    const text = canonicalJson(member);
    return [key, bytes(text) > MEMBER_BUDGET_BYTES ? digestOf(text) : member];
  }));
  const summarized = canonicalJson(members);
  return bytes(summarized) <= STATE_BUDGET_BYTES ? summarized : canonicalJson(digestOf(whole));
}

/**
 * Replaces the value of every member whose name looks like a secret (token, secret, password, key…) with
 * "[REDACTED]", at every level. Ids of such things (`tokenId`) stay: they are names, not secrets.
 */
export function redact(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    out[key] = SECRET.test(key) && !/Id$|Ids$|_id$/.test(key) ? REDACTED : redact(member);
  }
  return out;
}
