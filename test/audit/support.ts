import type { TestApp } from '../support/app';

export interface EventRow {
  id: string;
  sequence: number | null;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  hash: string | null;
}

export const EVENT_FIELDS = 'id sequence at actor action entityType entityId before after requestId hash';

/** Every audit event, oldest first (the feed is newest first). */
export async function allEvents(t: TestApp): Promise<EventRow[]> {
  const rows: EventRow[] = [];
  let after: string | null = null;
  for (;;) {
    const d: { auditEvents: { nodes: EventRow[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await t.ok(
      `query($after: String) { auditEvents(first: 100, after: $after) { nodes { ${EVENT_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
      { after });
    rows.push(...d.auditEvents.nodes);
    if (!d.auditEvents.pageInfo.hasNextPage) return rows.reverse();
    after = d.auditEvents.pageInfo.endCursor;
  }
}

export async function eventCount(t: TestApp): Promise<number> {
  return (await t.ok<{ auditEvents: { totalCount: number } }>('{ auditEvents(first: 0) { totalCount } }')).auditEvents.totalCount;
}

/** The events `work` wrote, oldest first. */
export async function eventsOf(t: TestApp, work: () => Promise<unknown>): Promise<EventRow[]> {
  const before = await eventCount(t);
  await work();
  const written = (await eventCount(t)) - before;
  if (written === 0) return [];
  const d = await t.ok<{ auditEvents: { nodes: EventRow[] } }>(
    `query($n: Int!) { auditEvents(first: $n) { nodes { ${EVENT_FIELDS} } } }`, { n: written });
  return d.auditEvents.nodes.reverse();
}

export async function verify(t: TestApp): Promise<{ ok: boolean; checked: number; firstBrokenSequence: number | null }> {
  return (await t.ok<{ verifyAuditLog: { ok: boolean; checked: number; firstBrokenSequence: number | null } }>(
    '{ verifyAuditLog { ok checked firstBrokenSequence } }')).verifyAuditLog;
}

/** Waits until this process's sealer has sealed everything committed so far. */
export async function sealed(t: TestApp): Promise<void> {
  await t.app.sealer.sealPending();
  await t.app.sealer.idle();
}
