import { MIGRATIONS } from '../../src/db/migrations';
import { testEngine } from '../support/database';
import { postGraphql, sharedDatabaseServers, startServer, type RunningServer, type ServerDatabase } from '../support/http';
import { createEmptyDatabase, holdMigrationLock, queryUrl } from './support';

type Gql = { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, unknown> }[] };

const gql = async (server: RunningServer, query: string, variables: Record<string, unknown> = {}, actor = 'ops'): Promise<Gql> =>
  (await postGraphql(server.url, { query, variables }, { 'x-actor': actor })).json as Gql;

describe('several processes starting at once on a database nothing has migrated', () => {
  let database: ServerDatabase;
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => {
    for (const s of servers) await s.dispose();
    await database?.drop();
  });

  it('all three become ready and every migration ran exactly once', async () => {
    const started = await Promise.allSettled([0, 1, 2].map(() => startServer({}, { database, readyTimeoutMs: 90_000 })));
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    expect(started.filter((s) => s.status === 'rejected')).toEqual([]);
    const rows = await queryUrl(database.url, 'SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    // Every one of them answers on the migrated schema.
    for (const [i, server] of servers.entries()) {
      const created = await gql(server, 'mutation($n: String!) { registerModel(input: { name: $n }) { name } }', { n: `m${i}` });
      expect(created).toEqual({ data: { registerModel: { name: `m${i}` } } });
    }
  });
});

describe('a process starting while another holds the migration lock', () => {
  let database: ServerDatabase;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('waits for it (longer than its statement timeout), then migrates and becomes ready', async () => {
    const release = await holdMigrationLock(database);
    let server: RunningServer | undefined;
    try {
      const starting = startServer({ DB_STATEMENT_TIMEOUT_MS: '1500' }, { database, readyTimeoutMs: 60_000 });
      let state = 'waiting';
      void starting.then(() => (state = 'ready'), () => (state = 'failed'));
      await new Promise((r) => setTimeout(r, 5_000));
      expect(state).toBe('waiting');
      await release();
      server = await starting;
      const rows = await queryUrl(database.url, 'SELECT name FROM migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    } finally {
      await server?.dispose();
    }
  });
});

/** Two server processes share one MariaDB/MySQL database (SQLite has one serving process by design). */
const onMysql = testEngine() === 'mysql' ? describe : describe.skip;

onMysql('two processes under concurrent load', () => {
  const shared = sharedDatabaseServers(2, { AUDIT_SEAL_INTERVAL_MS: '1000' });
  const { servers } = shared;

  it('keeps version sequences gap-free, one PRODUCTION version per model and one unbroken audit chain', async () => {
    const MODELS = 4;
    const VERSIONS = 12;
    const models: { id: string; name: string }[] = [];
    for (let m = 0; m < MODELS; m++) {
      const r = await gql(servers[m % 2], 'mutation($n: String!) { registerModel(input: { name: $n }) { id name } }', { n: `load-${m}` });
      models.push(r.data!.registerModel);
    }
    const started = Date.now();
    // Every version is created on one process and promoted to PRODUCTION on the other, all at once.
    const tasks = models.flatMap((model, m) => Array.from({ length: VERSIONS }, async (_, v) => {
      const [a, b] = (m + v) % 2 === 0 ? [servers[0], servers[1]] : [servers[1], servers[0]];
      const created = await gql(a, 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id sequence } }',
        { i: { modelId: model.id, artifactUri: `s3://models/${m}/${v}` } }, `process-${servers.indexOf(a)}`);
      if (created.errors) return { created, promoted: undefined };
      const promoted = await gql(b, 'mutation($v: ID!) { transitionStage(versionId: $v, stage: PRODUCTION) { stage } }',
        { v: created.data!.createModelVersion.id }, `process-${servers.indexOf(b)}`);
      return { created, promoted };
    }));
    const results = await Promise.all(tasks);
    const ms = Date.now() - started;
    expect(results.filter((r) => r.created.errors || r.promoted?.errors)).toEqual([]);

    for (const model of models) {
      const r = await gql(servers[0], 'query($n: String!) { model(name: $n) { versions(first: 100) { totalCount nodes { sequence stage } } } }', { n: model.name });
      const nodes = r.data!.model.versions.nodes as { sequence: number; stage: string }[];
      expect(nodes.map((n) => n.sequence).sort((x, y) => x - y)).toEqual(Array.from({ length: VERSIONS }, (_, i) => i + 1));
      expect(nodes.filter((n) => n.stage === 'PRODUCTION')).toHaveLength(1);
    }

    const total = Number((await gql(servers[1], '{ auditEvents(first: 1) { totalCount } }')).data!.auditEvents.totalCount);
    let verification: { ok: boolean; checked: number; firstBrokenSequence: number | null } | undefined;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      verification = (await gql(servers[0], '{ verifyAuditLog { ok checked firstBrokenSequence } }')).data!.verifyAuditLog;
      if (verification!.checked >= total) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(verification).toEqual({ ok: true, checked: total, firstBrokenSequence: null });
    const sequences = await queryUrl(shared.database.url, 'SELECT sequence FROM audit_event ORDER BY sequence');
    expect(sequences.map((r) => Number(r.sequence))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // The figures for the operations notes.
    process.stdout.write(`two processes: ${MODELS} models x ${VERSIONS} versions created and promoted concurrently in ${ms} ms; `
      + `${total} audit events, chain verified (checked ${verification!.checked})\n`);
  });
});
