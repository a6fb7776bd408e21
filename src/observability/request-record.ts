import { AsyncSlot } from '../common/async-slot';
import type { RegistryMetrics } from './metrics';

/** What one /graphql request did, filled in by the HTTP layer and the Apollo plugin, logged once at its end. */
export class RequestRecord {
  readonly started = process.hrtime.bigint();
  /** The resolved operation's name (null: anonymous); undefined when none was resolved. */
  operationName: string | null | undefined;
  operationType: string | undefined;
  /** Error codes in the answer (`extensions.code`), each once, in order of first appearance. */
  readonly codes: string[] = [];
  actor: string | undefined;
  statements = 0;
  /** The GraphQL work (Apollo's handling), when the request got that far: the log line waits for it. */
  work: Promise<void> | undefined;
  /** Set when the answer was sent (or the connection closed): a late result after that is not the answer. */
  closed = false;

  constructor(readonly requestId: string, readonly metrics: RegistryMetrics) {}

  addCode(code: string): void {
    if (!this.codes.includes(code)) this.codes.push(code);
  }
}

const current = new AsyncSlot<RequestRecord>('request record');

/** Runs the GraphQL work of a request with its record reachable (see `currentRequest`). */
export function withRequestRecord<T>(record: RequestRecord, fn: () => T): T {
  return current.run(record, fn);
}

/** The record of the /graphql request being served, if any (none for executeOperation or background work). */
export function currentRequest(): RequestRecord | undefined {
  return current.getStore();
}

/** The nodes a lineage walk reached, counted in the serving app's `modelgraph_lineage_walk_nodes`. */
export function observeLineageWalk(nodes: number): void {
  current.getStore()?.metrics.lineageWalkNodes.observe(nodes);
}
