import { testEngine } from '../support/database';
import { postGraphql, sharedDatabaseServers, type RunningServer } from '../support/http';
import { Receiver, sleep } from './receiver';

/**
 * Two server processes on one MariaDB/MySQL database deliver to one webhook: each event is accepted once (the
 * claim is a conditional UPDATE only one process wins), and each entity's events arrive in sequence order.
 * (SQLite has one writing process by design.)
 */
const onMysql = testEngine() === 'mysql' ? describe : describe.skip;

onMysql('webhook delivery from two server processes', () => {
  let receiver: Receiver;
  const { servers } = sharedDatabaseServers(2, { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_MS: '1000', WEBHOOK_TIMEOUT_MS: '5000', AUDIT_SEAL_INTERVAL_MS: '1000' });
  beforeAll(async () => {
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  const gql = async (server: RunningServer, query: string, variables: Record<string, unknown> = {}) => {
    const res = await postGraphql(server.url, { query, variables }, { 'x-actor': 'tester' });
    const json = res.json as { data?: Record<string, any>; errors?: unknown[] };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data!;
  };

  it('each event is accepted exactly once, in order per entity, though both processes deliver', async () => {
    receiver.delayMs = 5;
    // Every seventh request fails: retries race between the processes too.
    receiver.respond = ({ count }) => (count % 7 === 3 ? 500 : 200);
    const created = await gql(servers[0], 'mutation($u: String!) { createWebhook(input: { url: $u, events: [EXPERIMENT_CREATED, TAGS_SET] }) { webhook { id } } }', { u: receiver.url });
    const hookId = created.createWebhook.webhook.id as string;
    const count = 12;
    const ids = await Promise.all(Array.from({ length: count }, async (_, i) =>
      (await gql(servers[i % 2], 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: `hooked-${i}` })).createExperiment.id as string));
    for (const step of ['a', 'b']) {
      await Promise.all(ids.map((id, i) => gql(servers[(i + 1) % 2], 'mutation($id: ID!, $v: String!) { setTags(id: $id, tags: [{ key: "step", value: $v }]) { __typename } }', { id, v: step })));
    }
    const total = count * 3;
    await receiver.until(() => new Set(receiver.accepted.map((r) => r.json.id)).size === total, 60_000);
    await sleep(1_500); // anything delivered twice would show up by now
    const accepted = receiver.accepted.map((r) => r.json.id);
    expect(accepted).toHaveLength(total);
    expect(new Set(accepted).size).toBe(total);
    for (const id of ids) {
      const mine = receiver.accepted.filter((r) => r.json.data.entityId === id);
      expect(mine.map((r) => r.json.type)).toEqual(['EXPERIMENT_CREATED', 'TAGS_SET', 'TAGS_SET']);
      expect(mine.map((r) => (r.json.data.after as { tags: { value: string }[] }).tags.map((t) => t.value)).slice(1)).toEqual([['a'], ['b']]);
    }
    const d = await gql(servers[1], 'query { webhooks(first: 1) { nodes { id deliveries(first: 100) { totalCount nodes { status } } } } }');
    expect(d.webhooks.nodes[0].id).toBe(hookId);
    expect(d.webhooks.nodes[0].deliveries.totalCount).toBe(total);
    expect(new Set(d.webhooks.nodes[0].deliveries.nodes.map((n: { status: string }) => n.status))).toEqual(new Set(['DELIVERED']));
  });
});
