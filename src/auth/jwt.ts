import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthSettings } from '../config';
import { principal, type Principal } from './principal';
import { parseRole, Role } from './role';

type JwtSettings = NonNullable<AuthSettings['jwt']>;

/** Three dot-separated base64url parts: verified as a JWT when SSO is configured. */
export function looksLikeJwt(value: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);
}

/** Company SSO: signature against the JWKS (fetched and cached by jose), issuer, audience, expiry, then the claims. */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: JwtSettings) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl));
  }

  /** The principal, or null for any failed check (the reason is not told to the caller). */
  async verify(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.keys, { issuer: this.settings.issuer, audience: this.settings.audience });
      const subject = payload[this.settings.subjectClaim];
      const claim = payload[this.settings.roleClaim];
      const role = claim === undefined ? Role.VIEWER : parseRole(claim);
      if (typeof subject !== 'string' || !subject || subject.length > 190 || !role) return null;
      return principal(`jwt:${subject}`, role);
    } catch {
      return null;
    }
  }
}
