import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API token secrets: a recognisable prefix and 256 random bits. */
export const TOKEN_PREFIX = 'mgt_';

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A secret's SHA-256, for comparing with `matchesDigest` (one-shot `crypto.hash` where Node has it, from 20.12). */
export function secretDigest(secret: string): Buffer {
  return typeof hash === 'function' ? hash('sha256', secret, 'buffer') : createHash('sha256').update(secret).digest();
}

/**
 * Whether `secret` is the one `digest` was made from, in time independent of where they differ (compared as
 * hashes, so lengths match too). The known secret's digest is computed once, not on every comparison.
 */
export function matchesDigest(secret: string, digest: Buffer): boolean {
  return timingSafeEqual(secretDigest(secret), digest);
}
