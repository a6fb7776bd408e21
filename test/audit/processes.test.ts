import { testEngine } from '../support/database';
import { postGraphql, sharedDatabaseServers, type RunningServer } from '../support/http';

/**
 * Two server processes writing to one MariaDB/MySQL database: each seals under the database-wide lease
 * (GET_LOCK), so their events still form one chain. (SQLite has one writing process by design.)
 */
const onMysql = testEngine() === 'mysql' ? describe : describe.skip;

onMysql('audit chain across two server processes', () => {
  const { servers } = sharedDatabaseServers(2, { AUDIT_SEAL_INTERVAL_MS: '1000' });

  const gql = async (server: RunningServer, query: string, variables: Record<string, unknown> = {}, actor = 'tester') => {
    const res = await postGraphql(server.url, { query, variables }, { 'x-actor': actor });
    return res.json as { data?: Record<string, any>; errors?: unknown[] };
  };

  it('writers on both processes form one unbroken chain', async () => {
    const perServer = 30;
    const writes = servers.flatMap((server, s) => Array.from({ length: perServer }, (_, i) =>
      gql(server, 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: `p${s}-exp-${i}` }, `process-${s}`)));
    const results = await Promise.all(writes);
    expect(results.filter((r) => r.errors)).toEqual([]);
    const total = perServer * servers.length;
    const deadline = Date.now() + 30_000;
    let verification: { ok: boolean; checked: number; firstBrokenSequence: number | null } | undefined;
    while (Date.now() < deadline) {
      verification = (await gql(servers[0], '{ verifyAuditLog { ok checked firstBrokenSequence } }')).data!.verifyAuditLog;
      if (verification!.checked >= total) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(verification).toEqual({ ok: true, checked: total, firstBrokenSequence: null });
    const feed = (await gql(servers[1], '{ auditEvents(first: 100) { totalCount nodes { sequence actor } } }')).data!.auditEvents;
    expect(feed.totalCount).toBe(total);
    expect(feed.nodes.map((n: { sequence: number }) => n.sequence).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(feed.nodes.map((n: { actor: string }) => n.actor))).toEqual(new Set(['local:process-0', 'local:process-1']));
  });
});
