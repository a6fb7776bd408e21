import { pino } from 'pino';
import type { ExecutionResult } from 'graphql';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits } from '../../src/config';
import { countQueries } from '../../src/db/query-log';
import { withReadRoute } from '../../src/db/read-route';
import type { ReplicaState } from '../../src/db/replicas';
import { PrivateMariadb, privateMariadbMissing } from '../faults/private-mariadb';
import { spawnServer } from '../faults/process';
import { testEngine } from '../support/database';

/**
 * Read replicas on two private MariaDB servers the test starts (never the shared one): a primary with a
 * binary log and a replica following it (GTID). Which server answered is read from each server's own
 * statement counters (Com_select, Com_insert…): the app's background work (audit sealing, webhook polling)
 * is idle while they are compared, and the replica only ever sees this test's reads.
 */

const missing = testEngine() !== 'mysql' ? 'MariaDB only' : privateMariadbMissing();
const maybe = missing ? describe.skip : describe;

const ADMIN = 'replica-test-admin-token-0123456789';
const headers = { authorization: `Bearer ${ADMIN}` };
type Counters = Record<'Com_select' | 'Com_insert' | 'Com_update' | 'Com_delete', number>;

async function counters(server: PrivateMariadb): Promise<Counters> {
  const rows = await server.sql<{ Variable_name: string; Value: string }[]>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_insert', 'Com_update', 'Com_delete')");
  const out: Record<string, number> = {};
  for (const row of rows) out[row.Variable_name] = Number(row.Value);
  return out as Counters;
}

/** What each server executed while `work` ran, and the statements the app issued. */
async function measured<T>(primary: PrivateMariadb, replica: PrivateMariadb | null, work: () => Promise<T>) {
  const p0 = await counters(primary);
  const r0 = replica ? await counters(replica) : null;
  const { result, statements } = await countQueries(work);
  const p1 = await counters(primary);
  const r1 = replica && r0 ? await counters(replica) : null;
  const diff = (a: Counters, b: Counters): Counters => ({
    Com_select: b.Com_select - a.Com_select, Com_insert: b.Com_insert - a.Com_insert,
    Com_update: b.Com_update - a.Com_update, Com_delete: b.Com_delete - a.Com_delete,
  });
  return { result, statements, primary: diff(p0, p1), replica: r0 && r1 ? diff(r0, r1) : null };
}

async function gql<T = Record<string, any>>(app: RegistryApp, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await app.apollo.executeOperation({ query, variables }, { contextValue: await app.context({ headers }) });
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
  const result = response.body.singleResult as ExecutionResult;
  if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return JSON.parse(JSON.stringify(result.data)) as T;
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const MODEL = 'query($name: String!) { model(name: $name) { id name versionCount versions { totalCount nodes { id } } } }';
const CREATE_VERSION = `mutation($m: ID!) { createModelVersion(input: { modelId: $m, artifactUri: "s3://b/m" }) {
  id model { id versionCount versions { totalCount nodes { id } } } } }`;

maybe('read replicas (a private MariaDB primary and its replica)', () => {
  let primary: PrivateMariadb;
  let replica: PrivateMariadb;
  let app: RegistryApp;
  let modelId: string;

  /** The replica has applied everything the primary has logged. */
  async function caughtUp(): Promise<void> {
    await waitFor('the replica catches up', async () => {
      const [{ p }] = await primary.sql<{ p: string }[]>('SELECT @@gtid_binlog_pos AS p');
      const [{ r }] = await replica.sql<{ r: string }[]>('SELECT @@gtid_slave_pos AS r');
      return p === r;
    });
  }

  /** Background work that reads or writes the primary on its own (sealing after a commit, webhook scans) is done. */
  async function quiet(a: RegistryApp = app): Promise<void> {
    await a.sealer.idle();
    await a.webhooks.idle();
  }

  function start(readReplicas: { checkIntervalMs: number; maxLagSeconds: number }): Promise<RegistryApp> {
    return RegistryApp.create({
      databaseUrl: primary.url,
      limits: defaultQueryLimits(),
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      timeouts: { statementMs: 3_000, connectMs: 1_000 },
      auth: { adminToken: ADMIN },
      auditSealIntervalMs: 600_000,
      webhooks: { pollMs: 600_000 },
      readReplicas: { urls: [replica.url], ...readReplicas },
    });
  }

  const state = (a: RegistryApp = app): ReplicaState => a.db.replicaStates()[0];

  beforeAll(async () => {
    [primary, replica] = await Promise.all([
      PrivateMariadb.start(['--log-bin=mg-bin', '--server-id=1', '--binlog-format=ROW']),
      PrivateMariadb.start(['--server-id=2', '--read-only=1', '--relay-log=mg-relay']),
    ]);
    await primary.sql("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'");
    await primary.sql("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'");
    // The replica has its own `mg` database and `app` user already: it follows from the primary's position now.
    const [{ p }] = await primary.sql<{ p: string }[]>('SELECT @@gtid_binlog_pos AS p');
    await replica.sql("GRANT SLAVE MONITOR ON *.* TO 'app'@'127.0.0.1'");
    await replica.sql(`SET GLOBAL gtid_slave_pos = '${p}'`);
    await replica.sql(`CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primary.port}, MASTER_USER = 'repl',
      MASTER_PASSWORD = 'repl', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`);
    await replica.sql('START SLAVE');
    // Checked only when the test says so (`check()`), so what the app believes at each step is known.
    app = await start({ checkIntervalMs: 600_000, maxLagSeconds: 5 });
    modelId = (await gql<{ registerModel: { id: string } }>(app, 'mutation { registerModel(input: { name: "replicated" }) { id } }')).registerModel.id;
    await quiet();
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await Promise.all([replica?.dispose(), primary?.dispose()]);
  });

  it('a query-only request reads from the healthy replica: its SELECTs run there, none on the primary', async () => {
    await app.replicas!.check();
    expect(state()).toMatchObject({ state: 'healthy', lagSeconds: 0, fallbacks: 0 });
    const m = await measured(primary, replica, () => gql(app, MODEL, { name: 'replicated' }));
    expect(m.result.model).toEqual({ id: modelId, name: 'replicated', versionCount: 0, versions: { totalCount: 0, nodes: [] } });
    expect(m.statements.length).toBeGreaterThan(1);
    expect(m.replica).toEqual({ Com_select: m.statements.length, Com_insert: 0, Com_update: 0, Com_delete: 0 });
    expect(m.primary).toEqual({ Com_select: 0, Com_insert: 0, Com_update: 0, Com_delete: 0 });
    console.log(`query-only request: ${m.statements.length} statements; replica ${JSON.stringify(m.replica)}; primary ${JSON.stringify(m.primary)}`);
  });

  it('db.manager: a replica under the replica route; the primary under the primary route, outside any route and in a transaction', async () => {
    const serverId = async () => ((await app.db.manager.query('SELECT @@server_id AS id')) as { id: number }[])[0].id;
    expect(await withReadRoute('replica', serverId)).toBe(2);
    expect(await withReadRoute('primary', serverId)).toBe(1);
    expect(await serverId()).toBe(1);
    expect(await withReadRoute('replica', () => app.db.transaction(serverId))).toBe(1);
    // A write that reaches a replica's connection runs on the primary instead (the replica is read-only).
    const m = await measured(primary, replica, () => withReadRoute('replica',
      () => app.db.manager.query("UPDATE `model` SET `description` = 'routed' WHERE `id` = ?", [modelId])));
    expect(m.primary.Com_update).toBe(1);
    expect(m.replica?.Com_select).toBe(0);
    await caughtUp();
    const [row] = await replica.sql<{ d: string }[]>(`SELECT description AS d FROM mg.model WHERE id = '${modelId}'`);
    expect(row.d).toBe('routed');
  });

  it('a mutation runs all its statements, its response fields included, on the primary and returns its own write', async () => {
    // The replica stops applying (the app has not checked since, so it still counts it healthy): only a
    // read from the primary can see this write.
    await replica.sql('STOP SLAVE SQL_THREAD');
    // Nothing is applied there meanwhile, so every statement it counts would be the app's.
    const m = await measured(primary, replica, () => gql(app, CREATE_VERSION, { m: modelId }));
    const created = m.result.createModelVersion as { id: string; model: { versionCount: number; versions: { totalCount: number; nodes: { id: string }[] } } };
    expect(created.model).toMatchObject({ versionCount: 1, versions: { totalCount: 1, nodes: [{ id: created.id }] } });
    expect(m.replica).toEqual({ Com_select: 0, Com_insert: 0, Com_update: 0, Com_delete: 0 });
    expect(m.primary.Com_insert).toBeGreaterThan(0);
    expect(m.primary.Com_select).toBeGreaterThan(0);
    console.log(`mutation request: ${m.statements.length} statements; replica ${JSON.stringify(m.replica)}; primary ${JSON.stringify(m.primary)}`);
    await quiet();

    // A query now still goes to the replica, which has not applied the write: the routing is visible.
    const stale = await measured(primary, replica, () => gql(app, MODEL, { name: 'replicated' }));
    expect(stale.result.model).toMatchObject({ versionCount: 0 });
    expect(stale.primary.Com_select).toBe(0);

    // Checked: replication is not running, the replica is skipped, and the primary answers correctly.
    await app.replicas!.check();
    expect(state()).toMatchObject({ state: 'lagging', lagSeconds: null, reason: 'replication is not running' });
    const fallback = await measured(primary, replica, () => gql(app, MODEL, { name: 'replicated' }));
    expect(fallback.result.model).toMatchObject({ versionCount: 1, versions: { totalCount: 1, nodes: [{ id: created.id }] } });
    expect(fallback.replica?.Com_select).toBe(0);
    expect(fallback.primary.Com_select).toBe(fallback.statements.length);

    // Replication resumes: once checked, the replica answers again, with the write.
    await replica.sql('START SLAVE SQL_THREAD');
    await caughtUp();
    await app.replicas!.check();
    expect(state().state).toBe('healthy');
    const back = await measured(primary, replica, () => gql(app, MODEL, { name: 'replicated' }));
    expect(back.result.model).toMatchObject({ versionCount: 1 });
    expect(back.replica?.Com_select).toBe(back.statements.length);
    expect(back.primary.Com_select).toBe(0);
  });

  it('a replica killed between checks: the read that finds it gone is retried once on the primary; restarted, it is used again', async () => {
    await replica.crash();
    expect(state().state).toBe('healthy');
    const m = await measured(primary, null, () => gql(app, MODEL, { name: 'replicated' }));
    expect(m.result.model).toMatchObject({ id: modelId, versionCount: 1 });
    expect(state()).toMatchObject({ state: 'down', fallbacks: 1 });
    expect(m.primary.Com_select).toBeGreaterThan(0);
    // Down: further reads go straight to the primary.
    const next = await measured(primary, null, () => gql(app, MODEL, { name: 'replicated' }));
    expect(next.result.model).toMatchObject({ versionCount: 1 });
    expect(next.primary.Com_select).toBe(next.statements.length);
    expect(state().fallbacks).toBe(1);
    await app.replicas!.check();
    expect(state().state).toBe('down');

    await replica.up();
    await caughtUp();
    await app.replicas!.check();
    expect(state().state).toBe('healthy');
    const back = await measured(primary, replica, () => gql(app, MODEL, { name: 'replicated' }));
    expect(back.result.model).toMatchObject({ versionCount: 1 });
    expect(back.replica?.Com_select).toBe(back.statements.length);
    expect(back.primary.Com_select).toBe(0);
  });

  it('checked periodically: a replica lagging past the bound (MASTER_DELAY) is skipped until it catches up', async () => {
    const watched = await start({ checkIntervalMs: 200, maxLagSeconds: 1 });
    try {
      expect(state(watched).state).toBe('healthy');
      await replica.sql('STOP SLAVE');
      await replica.sql('CHANGE MASTER TO MASTER_DELAY = 30');
      await replica.sql('START SLAVE');
      const created = (await gql<{ createModelVersion: { id: string } }>(watched, CREATE_VERSION, { m: modelId })).createModelVersion;
      await quiet(watched);
      await waitFor('the replica is seen lagging', () => state(watched).state === 'lagging', 10_000);
      expect(state(watched).lagSeconds).toBeGreaterThan(1);
      const m = await measured(primary, replica, () => gql(watched, MODEL, { name: 'replicated' }));
      expect(m.result.model).toMatchObject({ versionCount: 2 });
      expect((m.result.model as { versions: { nodes: { id: string }[] } }).versions.nodes.map((n) => n.id)).toContain(created.id);
      expect(m.replica?.Com_select).toBe(0);

      await replica.sql('STOP SLAVE');
      await replica.sql('CHANGE MASTER TO MASTER_DELAY = 0');
      await replica.sql('START SLAVE');
      await caughtUp();
      await waitFor('the replica is seen healthy', () => state(watched).state === 'healthy', 10_000);
      const back = await measured(primary, replica, () => gql(watched, MODEL, { name: 'replicated' }));
      expect(back.result.model).toMatchObject({ versionCount: 2 });
      expect(back.replica?.Com_select).toBe(back.statements.length);
    } finally {
      await watched.stop();
    }
  });

  it('the server started from the environment (DATABASE_READ_URLS) reads from the replica over HTTP, writes on the primary', async () => {
    const server = await spawnServer(primary.url, { env: {
      DATABASE_READ_URLS: replica.url, REGISTRY_ADMIN_TOKEN: ADMIN, AUDIT_SEAL_INTERVAL_MS: '600000', WEBHOOK_POLL_MS: '600000',
    } });
    const post = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    };
    try {
      // The start's own first sealing and webhook passes are over.
      await new Promise((r) => setTimeout(r, 500));
      const read = await measured(primary, replica, () => post(MODEL, { name: 'replicated' }));
      expect(read.result).toEqual({ data: { model: expect.objectContaining({ id: modelId, name: 'replicated' }) } });
      const versions = (read.result.data?.model as { versionCount: number }).versionCount;
      expect(read.replica?.Com_select).toBeGreaterThan(0);
      expect(read.primary.Com_select).toBe(0);
      const write = await measured(primary, replica, () => post(CREATE_VERSION, { m: modelId }));
      expect(write.result.data?.createModelVersion.model).toMatchObject({ versionCount: versions + 1, versions: { totalCount: versions + 1 } });
      // The replica applies the write through replication (its Com_insert counts that too), but reads nothing.
      expect(write.replica?.Com_select).toBe(0);
      expect(write.primary.Com_insert).toBeGreaterThan(0);
      console.log(`over HTTP: query-only → replica ${JSON.stringify(read.replica)}, primary ${JSON.stringify(read.primary)}; mutation → replica ${JSON.stringify(write.replica)}, primary ${JSON.stringify(write.primary)}`);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
