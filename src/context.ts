import type { AuthFailure, Principal } from './auth/principal';
import type { Loaders } from './common/loaders';
import type { Services } from './services';

/** Per-request context: who is asking, the request id, per-request DataLoaders and the services. */
export interface Context {
  requestId: string;
  /** The caller's subject (`principal.subject`; `anonymous` without one): recorded as actor, scopes idempotency keys. */
  actor: string;
  /** Resolved once when the context is made; null when the request has no valid identity (see authFailure). */
  principal: Principal | null;
  authFailure: AuthFailure | null;
  loaders: Loaders;
  services: Services;
}
