import { isPrivateAddress, urlProblem } from '../../src/webhooks/address';
import { TestApp } from '../support/app';
import { unique } from '../support/seed';
import { Receiver, sleep } from './receiver';

const CREATE = 'mutation($u: String!, $s: String) { createWebhook(input: { url: $u, events: [EXPERIMENT_CREATED], secret: $s }) { secret webhook { id } } }';

describe('webhook targets: private addresses refused at creation and at connect time (enforced mode, WEBHOOK_ALLOW_PRIVATE unset)', () => {
  let t: TestApp;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await TestApp.start({}, { auth: { adminToken: 'webhook-ssrf-admin-token' }, webhooks: { retryBaseMs: 40, maxAttempts: 2, timeoutMs: 2_000, pollMs: 1_000 } });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await t.stop();
    await receiver.stop();
  });

  it.each([
    'http://127.0.0.1:8080/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/', 'http://192.168.0.10/',
    'http://172.16.5.4/', 'http://100.64.0.1/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/', 'http://2130706433/',
  ])('refuses %s → BAD_USER_INPUT on input.url', async (url) => {
    const error = await t.fails(CREATE, { u: url }, t.admin);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('input.url');
    expect(error.message).toMatch(/^input\.url: must not point to a private, loopback or link-local address \(.+\) unless WEBHOOK_ALLOW_PRIVATE=true$/);
  });

  it('refuses a name resolving to a private address when connecting (localhost), and posts nothing', async () => {
    const d = await t.ok(CREATE, { u: `http://localhost:${receiver.port}/hook`, s: null }, t.admin);
    const id = d.createWebhook.webhook.id as string;
    await t.ok('mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: unique('ssrf') }, t.admin);
    const deadline = Date.now() + 10_000;
    let delivery: { status: string; attempts: number; lastError: string | null; lastStatusCode: number | null } | undefined;
    while (Date.now() < deadline) {
      const r = await t.ok('{ webhooks(first: 10) { nodes { id deliveries(first: 1) { nodes { status attempts lastError lastStatusCode } } } } }', {}, t.admin);
      delivery = r.webhooks.nodes.find((w: { id: string }) => w.id === id).deliveries.nodes[0];
      if (delivery?.status === 'DEAD') break;
      await sleep(25);
    }
    expect(delivery).toEqual({ status: 'DEAD', attempts: 2, lastError: 'refused: localhost resolves to the private address 127.0.0.1', lastStatusCode: null });
    expect(receiver.requests).toHaveLength(0);
  });

  it('the secret is generated (256 bits), shown once, and never readable after creation nor in the audit log', async () => {
    const d = await t.ok(CREATE, { u: 'https://hooks.example.com/registry', s: null }, t.admin);
    const { secret, webhook } = d.createWebhook as { secret: string; webhook: { id: string } };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const fields = await t.ok('{ __type(name: "Webhook") { fields { name } } }', {}, t.admin);
    expect(fields.__type.fields.map((f: { name: string }) => f.name).sort())
      .toEqual(['active', 'createdAt', 'createdBy', 'deletedAt', 'deliveries', 'description', 'events', 'id', 'url']);
    const listed = await t.ok('{ webhooks(first: 50) { nodes { id url events active createdAt createdBy deletedAt description } } }', {}, t.admin);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.webhooks.nodes.map((w: { id: string }) => w.id)).toContain(webhook.id);
    const events = await t.ok('query($e: ID!) { auditEvents(first: 5, filter: { entityId: $e }) { nodes { action before after } } }', { e: webhook.id }, t.admin);
    expect(events.auditEvents.nodes).toEqual([{ action: 'WEBHOOK_CREATED', before: null, after: { url: 'https://hooks.example.com/registry', events: ['EXPERIMENT_CREATED'], description: null } }]);
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('webhooks and their deliveries cost the same statements for 1 or 3 webhooks (deliveries batched)', async () => {
    await t.ok(CREATE, { u: 'https://hooks.example.com/third', s: null }, t.admin);
    const query = '{ webhooks(first: 3) { nodes { id events deliveries(first: 5) { totalCount nodes { id status } } } } }';
    const one = await t.statements('{ webhooks(first: 1) { nodes { id events deliveries(first: 5) { totalCount nodes { id status } } } } }', {}, t.admin);
    const three = await t.statements(query, {}, t.admin);
    expect(three.result.errors).toBeUndefined();
    expect(three.result.data!.webhooks).toMatchObject({ nodes: expect.any(Array) });
    expect((three.result.data!.webhooks as { nodes: unknown[] }).nodes).toHaveLength(3);
    expect(three.statements.length).toBe(one.statements.length);
    expect(three.statements.length).toBeLessThanOrEqual(3);
  });

  it('is ADMIN only: an EDITOR is refused', async () => {
    const editor = await t.mint('EDITOR');
    expect((await t.fails('{ webhooks { totalCount } }', {}, editor.headers)).code).toBe('FORBIDDEN');
  });
});

describe('address rules', () => {
  it('private, loopback, link-local, CGNAT, unique-local, metadata and mapped addresses are private; public ones are not', () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00:ec2::254', 'fe80::1', '::ffff:7f00:1', '::ffff:10.0.0.1', '224.0.0.1']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    }
    for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1', '100.128.0.1']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
  });

  it('URLs: http(s) only, no credentials; private literals only when allowed', () => {
    expect(urlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(urlProblem('file:///etc/passwd', true)).toBe('must be an http(s) URL');
    expect(urlProblem('https://a:b@hooks.example.com/', true)).toBe('must not contain credentials');
    expect(urlProblem('http://127.0.0.1:3000/', true)).toBeNull();
    expect(urlProblem('http://127.0.0.1:3000/', false)).toMatch(/^must not point to a private/);
  });
});
