import { AsyncSlot } from '../common/async-slot';

/**
 * Where a request's reads may go, carried in the async context of its execution (like the deadline):
 * `replica` for a query-only operation, `primary` for an operation that writes (a mutation reads its own
 * writes, its response's fields included). Work outside any route (context building, background workers)
 * reads from the primary. A transaction always runs on the primary, whatever the route (see Database.manager).
 */
export type ReadRoute = 'primary' | 'replica';

const store = new AsyncSlot<ReadRoute>('read route');

export function withReadRoute<T>(route: ReadRoute, fn: () => T): T {
  return store.run(route, fn);
}

export function currentReadRoute(): ReadRoute | undefined {
  return store.getStore();
}
