import { TestApp } from '../support/app';
import { Receiver, sleep } from '../webhooks/receiver';

/** Webhook delivery outcomes and the open-delivery backlog in the app's metrics (a real receiver on 127.0.0.1). */

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function until(t: TestApp, done: (text: string) => boolean, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = await t.app.metrics.scrape();
    if (done(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out:\n${text.split('\n').filter((l) => l.startsWith('modelgraph_webhook')).join('\n')}`);
    await sleep(25);
  }
}

describe('webhook metrics', () => {
  let t: TestApp;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await TestApp.start({}, { webhooks: { retryBaseMs: 40, maxAttempts: 2, timeoutMs: 2_000, pollMs: 1_000 } });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await t?.stop();
  });

  it('counts each recorded attempt by outcome and reads the backlog by status', async () => {
    const outcome = (text: string, o: string) => sample(text, 'modelgraph_webhook_deliveries_total', `outcome="${o}"`) ?? 0;
    const open = (text: string, s: string) => sample(text, 'modelgraph_webhook_deliveries_open', `status="${s}"`);
    const hooked = await t.ok('mutation($u: String!) { createWebhook(input: { url: $u, events: [EXPERIMENT_CREATED] }) { webhook { id } } }', { u: receiver.url });
    // First delivery: refused once, then accepted.
    receiver.respond = ({ count }) => (count === 0 ? 500 : 200);
    await t.ok('mutation { createExperiment(input: { name: "metrics-hook-1" }) { id } }');
    let text = await until(t, (m) => outcome(m, 'DELIVERED') === 1);
    expect([outcome(text, 'FAILED'), outcome(text, 'DELIVERED'), outcome(text, 'DEAD')]).toEqual([1, 1, 0]);
    expect(['PENDING', 'FAILED', 'IN_FLIGHT', 'DEAD'].map((s) => open(text, s))).toEqual([0, 0, 0, 0]);
    // Second: refused twice (the last attempt): dead-lettered, and open until redelivered or skipped.
    receiver.respond = () => 500;
    await t.ok('mutation { createExperiment(input: { name: "metrics-hook-2" }) { id } }');
    text = await until(t, (m) => outcome(m, 'DEAD') === 1);
    expect([outcome(text, 'FAILED'), outcome(text, 'DELIVERED'), outcome(text, 'DEAD')]).toEqual([2, 1, 1]);
    expect(['PENDING', 'FAILED', 'IN_FLIGHT', 'DEAD'].map((s) => open(text, s))).toEqual([0, 0, 0, 1]);
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 200, 500, 500]);
    await t.ok('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hooked.createWebhook.webhook.id });
  });
});
