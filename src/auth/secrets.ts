import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API token secrets: a recognisable prefix and 256 random bits. */
export const TOKEN_PREFIX = 'mgt_';

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Equal strings, in time independent of where they differ (both hashed first, so lengths match too). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
