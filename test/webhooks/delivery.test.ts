import { EventType } from '../../src/audit/event-type';
import { newRecordId } from '../../src/common/ids';
import { DeliveryStatus, WebhookDelivery } from '../../src/webhooks/webhook.entity';
import { TestApp } from '../support/app';
import { unique } from '../support/seed';
import { Receiver, sleep, verifySignature } from './receiver';

/** Delivery through a real HTTP receiver on 127.0.0.1 (open local mode: private targets allowed). */

const CREATE = 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id url events active createdBy } } }';
const DELIVERIES = `query { webhooks(first: 50) { nodes { id deliveries(first: 50) { nodes {
  id eventId eventType entityId sequence status attempts lastStatusCode lastError lastDurationMs lastResponse deliveredAt } } } } }`;

interface Delivery { id: string; eventId: string; eventType: string; entityId: string; sequence: number; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null; lastResponse: string | null }

async function hook(t: TestApp, url: string, events: string[], secret?: string): Promise<{ id: string; secret: string }> {
  const d = await t.ok(CREATE, { i: { url, events, secret } });
  return { id: d.createWebhook.webhook.id, secret: d.createWebhook.secret };
}

async function deliveriesOf(t: TestApp, id: string): Promise<Delivery[]> {
  const d = await t.ok(DELIVERIES);
  return (d.webhooks.nodes as { id: string; deliveries: { nodes: Delivery[] } }[]).find((w) => w.id === id)!.deliveries.nodes;
}

const experiment = async (t: TestApp): Promise<string> =>
  (await t.ok('mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: unique('hooked') })).createExperiment.id;
const tag = (t: TestApp, id: string, value: string) =>
  t.ok('mutation($id: ID!, $v: String!) { setTags(id: $id, tags: [{ key: "step", value: $v }]) { __typename } }', { id, v: value });

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`);
    await sleep(25);
  }
}

describe('webhook delivery (fast retries, 3 attempts)', () => {
  let t: TestApp;
  let receiver: Receiver;
  let current: string | undefined;
  beforeAll(async () => {
    t = await TestApp.start({}, { webhooks: { retryBaseMs: 40, maxAttempts: 3, timeoutMs: 2_000, pollMs: 1_000 } });
  });
  beforeEach(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(async () => {
    if (current) await t.ok('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: current });
    current = undefined;
    await receiver.stop();
  });
  afterAll(() => t.stop());

  it('POSTs each subscribed event once, signed, with the payload and headers; nothing from before its creation', async () => {
    const before = await experiment(t);
    const { id, secret } = await hook(t, receiver.url, ['EXPERIMENT_CREATED'], 'a shared secret of the test');
    current = id;
    expect(secret).toBe('a shared secret of the test');
    const exp = await experiment(t);
    await receiver.until(() => receiver.requests.length >= 1);
    await sleep(300);
    expect(receiver.requests).toHaveLength(1);
    const [got] = receiver.requests;
    expect(verifySignature(got.body, got.headers['x-registry-signature'] as string, secret)).toBe(true);
    expect(verifySignature(got.body, got.headers['x-registry-signature'] as string, 'another secret')).toBe(false);
    const [event] = (await t.ok('query($e: ID!) { auditEvents(first: 1, filter: { entityId: $e }) { nodes { id at actor sequence after } } }', { e: exp })).auditEvents.nodes;
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'x-registry-event': 'EXPERIMENT_CREATED', 'x-registry-delivery': event.id });
    expect(got.json).toEqual({
      id: event.id, type: 'EXPERIMENT_CREATED', occurredAt: event.at,
      data: { entityType: 'Experiment', entityId: exp, actor: event.actor, before: null, after: event.after, sequence: event.sequence },
    });
    expect(got.json.data.entityId).not.toBe(before);
    const [delivery] = await eventually(() => deliveriesOf(t, id), (d) => d[0]?.status === 'DELIVERED');
    expect(delivery).toMatchObject({ eventId: event.id, eventType: 'EXPERIMENT_CREATED', entityId: exp, sequence: event.sequence, status: 'DELIVERED', attempts: 1, lastStatusCode: 200, lastError: null, lastResponse: 'ok' });
  });

  it('retries after a 500 with the same delivery id', async () => {
    receiver.respond = ({ count }) => (count === 0 ? 500 : 200);
    const { id } = await hook(t, receiver.url, ['EXPERIMENT_CREATED']);
    current = id;
    await experiment(t);
    await receiver.until(() => receiver.accepted.length === 1);
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(receiver.requests[1].headers['x-registry-delivery']).toBe(receiver.requests[0].headers['x-registry-delivery']);
    expect(receiver.requests[1].body).toBe(receiver.requests[0].body);
    const [delivery] = await eventually(() => deliveriesOf(t, id), (d) => d[0]?.status === 'DELIVERED');
    expect(delivery).toMatchObject({ attempts: 2, lastStatusCode: 200 });
  });

  it('dead-letters after 3 attempts, holds back later events of the entity, and delivers after redeliver, in order', async () => {
    receiver.respond = () => 500;
    const { id } = await hook(t, receiver.url, ['EXPERIMENT_CREATED', 'TAGS_SET']);
    current = id;
    const exp = await experiment(t);
    const [dead] = await eventually(() => deliveriesOf(t, id), (d) => d[0]?.status === 'DEAD');
    expect(dead).toMatchObject({ eventType: 'EXPERIMENT_CREATED', attempts: 3, lastStatusCode: 500, lastError: 'status 500', lastResponse: 'nope' });
    expect(receiver.requests).toHaveLength(3);
    receiver.respond = () => 200;
    await tag(t, exp, 'one');
    await sleep(500);
    expect(receiver.requests).toHaveLength(3); // the TAGS_SET event waits behind the dead one
    const redelivered = await t.ok('mutation($d: ID!) { redeliver(deliveryId: $d) { id status attempts } }', { d: dead.id });
    expect(redelivered.redeliver).toEqual({ id: dead.id, status: 'PENDING', attempts: 0 });
    await receiver.until(() => receiver.accepted.length === 2);
    expect(receiver.accepted.map((r) => r.json.type)).toEqual(['EXPERIMENT_CREATED', 'TAGS_SET']);
    const all = await eventually(() => deliveriesOf(t, id), (d) => d.every((x) => x.status === 'DELIVERED'));
    expect(all.map((d) => [d.eventType, d.attempts])).toEqual([['TAGS_SET', 1], ['EXPERIMENT_CREATED', 1]]);
  });

  it('skipDelivery lets later events of a dead-lettered entity go out; it refuses a delivered one', async () => {
    receiver.respond = () => 500;
    const { id } = await hook(t, receiver.url, ['EXPERIMENT_CREATED', 'TAGS_SET']);
    current = id;
    const exp = await experiment(t);
    const [dead] = await eventually(() => deliveriesOf(t, id), (d) => d[0]?.status === 'DEAD');
    receiver.respond = () => 200;
    await tag(t, exp, 'after the dead one');
    const skipped = await t.ok('mutation($d: ID!) { skipDelivery(deliveryId: $d) { status } }', { d: dead.id });
    expect(skipped.skipDelivery.status).toBe('SKIPPED');
    await receiver.until(() => receiver.accepted.length === 1);
    expect(receiver.accepted[0].json.type).toBe('TAGS_SET');
    const delivered = (await eventually(() => deliveriesOf(t, id), (d) => d[0]?.status === 'DELIVERED'))[0];
    const refused = await t.fails('mutation($d: ID!) { skipDelivery(deliveryId: $d) { status } }', { d: delivered.id });
    expect(refused.code).toBe('PRECONDITION_FAILED');
    expect((await t.fails('mutation { redeliver(deliveryId: "whd_01jxxxxxxxxxxxxxxxxxxxxxxx") { id } }')).code).toBe('NOT_FOUND');
  });

  it('delivers the events of one entity in sequence order, even when the first needed retries', async () => {
    receiver.respond = ({ count }) => (count < 2 ? 503 : 200);
    const { id } = await hook(t, receiver.url, ['EXPERIMENT_CREATED', 'TAGS_SET']);
    current = id;
    const exp = await experiment(t);
    for (const step of ['1', '2', '3', '4']) await tag(t, exp, step);
    await receiver.until(() => receiver.accepted.length === 5);
    const sequences = receiver.accepted.map((r) => r.json.data.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(receiver.accepted.map((r) => r.json.type)).toEqual(['EXPERIMENT_CREATED', 'TAGS_SET', 'TAGS_SET', 'TAGS_SET', 'TAGS_SET']);
    expect(receiver.accepted.map((r) => (r.json.data.after as { tags?: unknown }).tags ?? null).slice(1))
      .toEqual(['1', '2', '3', '4'].map((v) => [{ key: 'step', value: v }]));
    expect(receiver.requests.slice(0, 3).map((r) => r.json.type)).toEqual(['EXPERIMENT_CREATED', 'EXPERIMENT_CREATED', 'EXPERIMENT_CREATED']);
  });

  it('claims again a delivery whose lease expired (a process died mid-attempt), and leaves a live lease alone', async () => {
    const [expired, live] = [await experiment(t), await experiment(t)];
    await t.app.sealer.idle();
    const { id } = await hook(t, receiver.url, ['MODEL_REGISTERED']);
    current = id;
    const events: { id: string; entity_id: string; sequence: number }[] = await t.app.db.manager.query(
      'SELECT id, entity_id, sequence FROM audit_event WHERE entity_id IN (?, ?) ORDER BY sequence', [expired, live]);
    const at = Date.now();
    for (const [i, event] of events.entries()) {
      await t.app.db.manager.insert(WebhookDelivery, {
        id: newRecordId('WebhookDelivery'), webhookId: id, eventId: event.id, eventType: EventType.EXPERIMENT_CREATED, entityId: event.entity_id,
        sequence: event.sequence, status: DeliveryStatus.IN_FLIGHT, attempts: 1, nextAttemptAt: new Date(at - 60_000),
        leaseUntil: new Date(i === 0 ? at - 1_000 : at + 600_000), claim: `crashed-${i}`, lastAttemptAt: new Date(at - 60_000), lastStatusCode: null,
        lastError: null, lastDurationMs: null, lastResponse: null, deliveredAt: null, createdAt: new Date(at - 60_000),
      });
    }
    t.app.webhooks.wake();
    await receiver.until(() => receiver.accepted.length === 1);
    await sleep(300);
    expect(receiver.requests.map((r) => r.json.data.entityId)).toEqual([expired]);
    const rows = await deliveriesOf(t, id);
    expect(rows.map((r) => [r.entityId, r.status, r.attempts])).toEqual([[live, 'IN_FLIGHT', 1], [expired, 'DELIVERED', 2]]);
  });

  it('a deleted webhook receives nothing more; deleting it again answers false; its deliveries stay listed', async () => {
    const { id } = await hook(t, receiver.url, ['EXPERIMENT_CREATED']);
    await experiment(t);
    await receiver.until(() => receiver.accepted.length === 1);
    expect((await t.ok('mutation($id: ID!) { deleteWebhook(id: $id) }', { id })).deleteWebhook).toBe(true);
    expect((await t.ok('mutation($id: ID!) { deleteWebhook(id: $id) }', { id })).deleteWebhook).toBe(false);
    await experiment(t);
    await sleep(400);
    expect(receiver.requests).toHaveLength(1);
    const d = await t.ok('{ webhooks(first: 50) { nodes { id active } } }');
    expect(d.webhooks.nodes.find((w: { id: string }) => w.id === id)).toEqual({ id, active: false });
    expect(await deliveriesOf(t, id)).toHaveLength(1);
    expect((await t.fails('mutation($d: ID!) { redeliver(deliveryId: $d) { id } }', { d: (await deliveriesOf(t, id))[0].id })).code).toBe('PRECONDITION_FAILED');
  });
});

describe('webhook delivery while the receiver is down', () => {
  let t: TestApp;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await TestApp.start({}, { webhooks: { retryBaseMs: 40, maxAttempts: 30, timeoutMs: 2_000, pollMs: 1_000 } });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await t.stop();
    await receiver.stop();
  });

  it('loses nothing: changes made while it is down all arrive once it is back, each entity in order', async () => {
    const { id } = await hook(t, receiver.url, ['EXPERIMENT_CREATED', 'TAGS_SET']);
    await receiver.stop();
    const exps: string[] = [];
    for (let i = 0; i < 3; i++) {
      const exp = await experiment(t);
      await tag(t, exp, 'x');
      exps.push(exp);
    }
    // Each entity's first event fails and is retried; the second waits behind it.
    await eventually(() => deliveriesOf(t, id), (d) => d.length === 6
      && d.every((x) => (x.eventType === 'EXPERIMENT_CREATED' ? x.attempts >= 3 && x.lastError?.includes('ECONNREFUSED') : x.attempts === 0)));
    expect(receiver.requests).toHaveLength(0);
    await receiver.start();
    await receiver.until(() => new Set(receiver.accepted.map((r) => r.json.id)).size === 6, 20_000);
    for (const exp of exps) {
      expect(receiver.accepted.filter((r) => r.json.data.entityId === exp).map((r) => r.json.type)).toEqual(['EXPERIMENT_CREATED', 'TAGS_SET']);
    }
    const deliveries = await eventually(() => deliveriesOf(t, id), (d) => d.every((x) => x.status === 'DELIVERED'));
    expect(deliveries).toHaveLength(6);
    expect(deliveries.every((d) => d.lastStatusCode === 200)).toBe(true);
  });
});
