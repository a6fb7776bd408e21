import { createHash } from 'node:crypto';

/**
 * The canonical form of a create mutation's input, so a retry is recognised whatever the key order:
 * - object keys sorted, at every level (input objects and JSON values alike);
 * - on input objects (type-graphql instances of an @InputType class), a member that is absent, null or an
 *   empty list is dropped: the services treat the three alike; GraphQL default values are already applied;
 * - inside JSON values (plain objects) null is a value and is kept;
 * - dates as ISO-8601 text; list order counts.
 * `omit` names top-level members left out (the idempotency key itself).
 */
export function canonicalJson(value: unknown, omit: readonly string[] = []): string {
  return JSON.stringify(canonical(value, new Set(omit)));
}

/** SHA-256 (hex) of the canonical input. */
export function fingerprintOf(input: object, omit: readonly string[] = ['idempotencyKey']): string {
  return createHash('sha256').update(canonicalJson(input, omit)).digest('hex');
}

function canonical(value: unknown, omit: ReadonlySet<string> = new Set()): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (value === null || typeof value !== 'object') return value;
  const inputObject = isInputObject(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (omit.has(key)) continue;
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    if (inputObject && (member === null || (Array.isArray(member) && member.length === 0))) continue;
    out[key] = canonical(member);
  }
  return out;
}

/** Input objects arrive as instances of their @InputType class; JSON values as plain (or null-prototype) objects. */
function isInputObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto !== null && proto !== Object.prototype;
}
