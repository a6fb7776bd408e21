import type { Loaders } from './common/loaders';
import type { Services } from './services';

/** Per-request context: who is asking, the request id, per-request DataLoaders and the services. */
export interface Context {
  requestId: string;
  actor: string;
  loaders: Loaders;
  services: Services;
}
