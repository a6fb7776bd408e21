import type { AuthSettings } from '../config';
import type { Logger } from '../common/logger';
import { JwtVerifier, looksLikeJwt } from './jwt';
import { principal, type AuthFailure, type Principal } from './principal';
import { Role } from './role';
import { matchesDigest, secretDigest, TOKEN_PREFIX } from './secrets';
import type { TokenService } from './token.service';

/** How often a process in open local mode looks for a token another process created. */
export const OPEN_MODE_RECHECK_MS = 5_000;
/** The longest X-Actor hint kept in open mode (the subject `local:<hint>` fits the 200-character actor columns). */
const ACTOR_HINT_MAX = 190;

export type Identity = { principal: Principal } | { failure: AuthFailure };

/**
 * Decides who a request is, once, when its context is made. Open local mode (no admin token, no JWKS, no
 * stored token) makes everyone ADMIN; once any of them exists the process enforces authentication for
 * good: revoking every token later does not reopen a running process.
 */
export class Authenticator {
  private enforced: boolean;
  private readonly jwt: JwtVerifier | null;
  /** REGISTRY_ADMIN_TOKEN's digest (each request's bearer token is hashed once to compare with it). */
  private readonly adminDigest: Buffer | null;
  private timer: NodeJS.Timeout | null = null;

  private constructor(private readonly tokens: TokenService, settings: AuthSettings, storedToken: boolean, private readonly log: Logger) {
    this.jwt = settings.jwt ? new JwtVerifier(settings.jwt) : null;
    this.adminDigest = settings.adminToken ? secretDigest(settings.adminToken) : null;
    this.enforced = Boolean(settings.adminToken || settings.jwt || storedToken);
    tokens.onCreated(() => this.enforce());
  }

  static async create(tokens: TokenService, settings: AuthSettings, log: Logger): Promise<Authenticator> {
    const auth = new Authenticator(tokens, settings, await tokens.anyStored(), log);
    if (auth.open) {
      log.warn('OPEN LOCAL MODE: no REGISTRY_ADMIN_TOKEN, no AUTH_JWKS_URL and no API token stored — every caller is ADMIN. '
        + 'Create a token (createApiToken) or set REGISTRY_ADMIN_TOKEN to enforce authentication.');
      auth.watch();
    }
    return auth;
  }

  get open(): boolean {
    return !this.enforced;
  }

  /** From now on every request needs a valid identity. */
  enforce(): void {
    if (this.enforced) return;
    this.enforced = true;
    this.stop();
    this.log.warn('authentication is enforced from now on (an API token exists)');
  }

  /** In open mode, a token stored by another process switches this one within OPEN_MODE_RECHECK_MS (outside any request). */
  private watch(): void {
    this.timer = setInterval(() => void this.recheck(), OPEN_MODE_RECHECK_MS);
    this.timer.unref();
  }

  /** One look for a stored token (a failed read changes nothing). */
  async recheck(): Promise<void> {
    if (this.enforced) return;
    if (await this.tokens.anyStored().catch(() => false)) this.enforce();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async identify(headers: { authorization?: string; actor?: string }): Promise<Identity> {
    if (!this.enforced) {
      const hint = headers.actor?.trim();
      return { principal: principal(hint && hint.length <= ACTOR_HINT_MAX ? `local:${hint}` : 'local', Role.ADMIN) };
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
    if (!headers.authorization?.trim()) return { failure: 'missing' };
    const found = match ? await this.verify(match[1]) : null;
    return found ? { principal: found } : { failure: 'invalid' };
  }

  private async verify(secret: string): Promise<Principal | null> {
    if (this.adminDigest && matchesDigest(secret, this.adminDigest)) return principal('token:admin', Role.ADMIN);
    if (this.jwt && looksLikeJwt(secret)) return this.jwt.verify(secret);
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
    const token = await this.tokens.verify(secret);
    return token ? principal(`token:${token.id}`, token.role) : null;
  }
}
