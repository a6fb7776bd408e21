import { IDEMPOTENCY_RETENTION_MS, IdempotencyKey, PRUNE_BATCH, pruneIdempotencyKeys } from '../../src/common/idempotency';
import { canonicalJson, fingerprintOf } from '../../src/common/fingerprint';
import { IdempotencyFingerprint1764700000000 } from '../../src/db/migrations/1764700000000-idempotency-fingerprint';
import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';
import { expectError, rowCounts, unknownId } from './helpers';

interface Fixture {
  experimentId: string;
  modelId: string;
  modelName: string;
  datasetId: string;
  datasetName: string;
}

/** One create mutation: how to call it with a key, and how many objects of its kind exist (through GraphQL). */
interface Spec {
  mutation: string;
  inputType: string;
  input: (f: Fixture, n: number) => Record<string, unknown>;
  count: (t: TestApp, f: Fixture) => Promise<number>;
}

 
type Data = Record<string, any>;

const total = async (t: TestApp, query: string, variables: Record<string, unknown>, path: (d: Data) => number) =>
  path(await t.ok(query, variables));

const SPECS: Spec[] = [
  {
    mutation: 'createExperiment', inputType: 'CreateExperimentInput',
    input: (_f, n) => ({ name: `idem-exp-${n}` }),
    count: (t) => total(t, '{ experiments { totalCount } }', {}, (d) => d.experiments.totalCount),
  },
  {
    mutation: 'startRun', inputType: 'StartRunInput',
    input: (f, n) => ({ experimentId: f.experimentId, name: `run-${n}` }),
    count: (t, f) => total(t, 'query($id: ID) { experiment(id: $id) { runs { totalCount } } }', { id: f.experimentId }, (d) => d.experiment.runs.totalCount),
  },
  {
    mutation: 'registerModel', inputType: 'RegisterModelInput',
    input: (_f, n) => ({ name: `idem-model-${n}` }),
    count: (t) => total(t, '{ models { totalCount } }', {}, (d) => d.models.totalCount),
  },
  {
    mutation: 'createModelVersion', inputType: 'CreateModelVersionInput',
    input: (f, n) => ({ modelId: f.modelId, artifactUri: `s3://m/${n}` }),
    count: async (t, f) => {
      const d = await t.ok('query($id: ID) { model(id: $id) { versionCount versions { totalCount } } }', { id: f.modelId });
      expect(d.model.versions.totalCount).toBe(d.model.versionCount);
      return d.model.versionCount;
    },
  },
  {
    mutation: 'createDataset', inputType: 'CreateDatasetInput',
    input: (_f, n) => ({ name: `idem-ds-${n}` }),
    count: (t) => total(t, '{ datasets { totalCount } }', {}, (d) => d.datasets.totalCount),
  },
  {
    mutation: 'createDatasetVersion', inputType: 'CreateDatasetVersionInput',
    input: (f, n) => ({ datasetId: f.datasetId, uri: `s3://d/${n}`, digest: DIGEST }),
    count: async (t, f) => {
      const d = await t.ok('query($id: ID) { dataset(id: $id) { versionCount versions { totalCount } } }', { id: f.datasetId });
      expect(d.dataset.versions.totalCount).toBe(d.dataset.versionCount);
      return d.dataset.versionCount;
    },
  },
  {
    mutation: 'createDeployment', inputType: 'CreateDeploymentInput',
    input: (f, n) => ({ name: `idem-dep-${n}`, modelId: f.modelId, environment: 'production' }),
    count: (t) => total(t, '{ deployments { totalCount } }', {}, (d) => d.deployments.totalCount),
  },
];

describe('idempotency keys on every create mutation', () => {
  let t: TestApp;
  let f: Fixture;
  let n = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const exp = await s.experiment('idem-base');
    const model = await s.model('idem-base-model');
    const ds = await s.dataset('idem-base-ds');
    f = { experimentId: exp.id, modelId: model.id, modelName: model.name, datasetId: ds.id, datasetName: ds.name };
  });
  afterAll(() => t.stop());

  const call = (spec: Spec, input: Record<string, unknown>) =>
    t.gql(`mutation($i: ${spec.inputType}!) { r: ${spec.mutation}(input: $i) { id } }`, { i: input });
  const created = async (spec: Spec, input: Record<string, unknown>): Promise<string> => {
    const r = await call(spec, input);
    expect(r.errors).toBeUndefined();
    return (r.data as { r: { id: string } }).r.id;
  };

  describe.each(SPECS.map((s) => ({ ...s, name: s.mutation })))('$name', (spec) => {
    it('the same key twice → the same id, one object', async () => {
      const before = await spec.count(t, f);
      const input = { ...spec.input(f, ++n), idempotencyKey: `same-${spec.mutation}` };
      const first = await created(spec, input);
      const second = await created(spec, input);
      expect(second).toBe(first);
      expect(await spec.count(t, f)).toBe(before + 1);
      const node = await t.ok('query($id: ID!) { node(id: $id) { id } }', { id: first });
      expect(node.node).toEqual({ id: first });
    });

    it('the same key with a different input → CONFLICT IDEMPOTENCY_KEY_REUSED naming the key, nothing created', async () => {
      const key = `changed-${spec.mutation}`;
      const first = await created(spec, { ...spec.input(f, ++n), idempotencyKey: key });
      const before = await spec.count(t, f);
      const r = await call(spec, { ...spec.input(f, ++n), idempotencyKey: key });
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0].extensions).toEqual({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED', field: 'input.idempotencyKey' });
      expect(r.errors![0].message).toContain(JSON.stringify(key));
      expect(await spec.count(t, f)).toBe(before);
      // the first input still answers with the first object
      expect(await created(spec, { ...spec.input(f, n - 1), idempotencyKey: key })).toBe(first);
    });

    it('keys are scoped by caller: the same key and input from another actor is another request', async () => {
      const before = await spec.count(t, f);
      const input = { ...spec.input(f, ++n), idempotencyKey: `per-caller-${spec.mutation}` };
      const name = (input as { name?: string }).name;
      const q = `mutation($i: ${spec.inputType}!) { r: ${spec.mutation}(input: $i) { id } }`;
      const a = await t.ok(q, { i: input }, { 'x-actor': 'alice' });
      // named objects must differ in name to coexist; the key is what is under test
      const other = name ? { ...input, name: `${name}-bob` } : input;
      const b = await t.ok(q, { i: other }, { 'x-actor': 'bob' });
      expect(b.r.id).not.toBe(a.r.id);
      expect((await t.ok(q, { i: input }, { 'x-actor': 'alice' })).r.id).toBe(a.r.id);
      expect(await spec.count(t, f)).toBe(before + 2);
    });

    it('different keys → two objects', async () => {
      const before = await spec.count(t, f);
      const a = await created(spec, { ...spec.input(f, ++n), idempotencyKey: `a-${spec.mutation}` });
      const b = await created(spec, { ...spec.input(f, ++n), idempotencyKey: `b-${spec.mutation}` });
      expect(a).not.toBe(b);
      expect(await spec.count(t, f)).toBe(before + 2);
    });

    it('no key → every call creates', async () => {
      const before = await spec.count(t, f);
      const a = await created(spec, spec.input(f, ++n));
      const b = await created(spec, spec.input(f, ++n));
      expect(a).not.toBe(b);
      expect(await spec.count(t, f)).toBe(before + 2);
    });

    it('keys are exact: a key in another case or with a trailing space is another key', async () => {
      const before = await spec.count(t, f);
      const ids = [];
      for (const key of [`Exact-${spec.mutation}`, `exact-${spec.mutation}`, `exact-${spec.mutation} `]) {
        ids.push(await created(spec, { ...spec.input(f, ++n), idempotencyKey: key }));
      }
      expect(new Set(ids).size).toBe(3);
      expect(await spec.count(t, f)).toBe(before + 3);
    });

    it('10 concurrent calls with the same key → one object, every call answers with its id', async () => {
      const before = await spec.count(t, f);
      const input = { ...spec.input(f, ++n), idempotencyKey: `concurrent-${spec.mutation}` };
      const results = await Promise.all(Array.from({ length: 10 }, () => call(spec, input)));
      expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
      const ids = results.map((r) => (r.data as { r: { id: string } }).r.id);
      expect(new Set(ids).size).toBe(1);
      expect(await spec.count(t, f)).toBe(before + 1);
    });
  });

  it('the same key on different mutations is independent: each mutation creates its own object', async () => {
    const key = 'shared-across-mutations';
    const counts = await Promise.all(SPECS.map((s) => s.count(t, f)));
    const inputs = SPECS.map((spec) => ({ ...spec.input(f, ++n), idempotencyKey: key }));
    const ids: string[] = [];
    for (const [i, spec] of SPECS.entries()) ids.push(await created(spec, inputs[i]));
    expect(new Set(ids).size).toBe(SPECS.length);
    expect(ids.map((id) => id.split('_')[0])).toEqual(['exp', 'run', 'mdl', 'mv', 'ds', 'dsv', 'dep']);
    expect(await Promise.all(SPECS.map((s) => s.count(t, f)))).toEqual(counts.map((c) => c + 1));
    // and repeating each returns each one's own object, creating nothing
    for (const [i, spec] of SPECS.entries()) expect(await created(spec, inputs[i])).toBe(ids[i]);
    expect(await Promise.all(SPECS.map((s) => s.count(t, f)))).toEqual(counts.map((c) => c + 1));
  });

  it('the same key returns the same version without touching the numbering', async () => {
    const model = await seed(t).model('idem-numbering', 'SEMVER');
    const q = 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id version sequence } }';
    const first = await t.ok(q, { i: { modelId: model.id, artifactUri: 's3://a', idempotencyKey: 'v1' } });
    const again = await t.ok(q, { i: { modelId: model.id, artifactUri: 's3://a', idempotencyKey: 'v1' } });
    expect(again.createModelVersion).toEqual(first.createModelVersion);
    // a different bump is a different request
    const bumped = await t.fails(q, { i: { modelId: model.id, artifactUri: 's3://a', idempotencyKey: 'v1', bump: 'MAJOR' } });
    expect(bumped.code).toBe('CONFLICT');
    const next = await t.ok(q, { i: { modelId: model.id, artifactUri: 's3://b', idempotencyKey: 'v2' } });
    expect(next.createModelVersion).toMatchObject({ version: '1.1.0', sequence: 2 });
  });

  it('a call that fails leaves its key unused: a later valid call with that key creates', async () => {
    const key = 'failed-first';
    const tablesBefore = await rowCounts(t);
    await expectError(t, 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }',
      { i: { modelId: unknownId('mdl'), artifactUri: 's3://a', idempotencyKey: key } }, { code: 'NOT_FOUND', field: 'input.modelId' });
    await expectError(t, 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }',
      { i: { modelId: f.modelId, artifactUri: 's3://a', runId: unknownId('run'), idempotencyKey: key } }, { code: 'NOT_FOUND', field: 'input.runId' });
    expect(await rowCounts(t)).toEqual(tablesBefore);
    const ok = await t.ok('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id model { id } } }',
      { i: { modelId: f.modelId, artifactUri: 's3://a', idempotencyKey: key } });
    expect(ok.createModelVersion.model.id).toBe(f.modelId);
  });

  it('a key of 200 characters works; 0 or 201 characters → BAD_USER_INPUT on input.idempotencyKey', async () => {
    const key = 'k'.repeat(200);
    const a = await created(SPECS[0], { name: 'long-key-exp', idempotencyKey: key });
    const b = await created(SPECS[0], { name: 'long-key-exp', idempotencyKey: key });
    expect(b).toBe(a);
    for (const bad of ['', 'k'.repeat(201)]) {
      await expectError(t, 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }',
        { i: { name: 'bad-key-exp', idempotencyKey: bad } }, { code: 'BAD_USER_INPUT', field: 'input.idempotencyKey' });
    }
  });
});

describe('idempotency fingerprints', () => {
  it('is the SHA-256 of the canonical input: sorted keys, key excluded, input nulls and [] dropped, JSON nulls and dates kept', () => {
    class Input { [k: string]: unknown }
    const input = Object.assign(new Input(), { z: 1, idempotencyKey: 'k', a: null, tags: [], at: new Date(0), json: { y: null, b: [2, 1] } });
    expect(canonicalJson(input, ['idempotencyKey'])).toBe('{"at":"1970-01-01T00:00:00.000Z","json":{"b":[2,1],"y":null},"z":1}');
    expect(fingerprintOf(input)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(Object.assign(new Input(), { json: { b: [2, 1], y: null }, z: 1, at: new Date(0), idempotencyKey: 'other' })))
      .toBe(fingerprintOf(input));
    expect(fingerprintOf(Object.assign(new Input(), { z: 1, at: new Date(0), json: { b: [1, 2], y: null } }))).not.toBe(fingerprintOf(input));
  });

  let t: TestApp;
  let modelA: string;
  let modelB: string;
  const Q = 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id model { id } artifactUri } }';
  beforeAll(async () => {
    t = await TestApp.start();
    modelA = (await seed(t).model('fp-a')).id;
    modelB = (await seed(t).model('fp-b')).id;
  });
  afterAll(() => t.stop());

  it('the key used for model A, sent for model B → CONFLICT, not A\'s version', async () => {
    const a = await t.ok(Q, { i: { modelId: modelA, artifactUri: 's3://a', idempotencyKey: 'cross-model' } });
    expect(a.createModelVersion.model.id).toBe(modelA);
    const b = await t.fails(Q, { i: { modelId: modelB, artifactUri: 's3://a', idempotencyKey: 'cross-model' } });
    expect(b).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey', message: expect.stringContaining('"cross-model"') });
    expect(b.errors[0].extensions?.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    const other = await t.fails(Q, { i: { modelId: modelA, artifactUri: 's3://other', idempotencyKey: 'cross-model' } });
    expect(other.code).toBe('CONFLICT');
    const count = await t.ok('query($id: ID) { model(id: $id) { versionCount } }', { id: modelB });
    expect(count.model.versionCount).toBe(0);
  });

  it('the fingerprint ignores key order, literal vs variables, null vs absent vs [] and GraphQL defaults', async () => {
    const v = { modelId: modelA, artifactUri: 's3://canon', hyperparameters: { b: 2, a: { y: 1, x: null } },
      datasets: [], metrics: [{ key: 'auc', value: 0.9 }], idempotencyKey: 'canonical' };
    const first = (await t.ok(Q, { i: v })).createModelVersion.id;
    const reordered = { idempotencyKey: 'canonical', metrics: [{ value: 0.9, key: 'auc' }], hyperparameters: { a: { x: null, y: 1 }, b: 2 },
      artifactUri: 's3://canon', modelId: modelA, description: null };
    expect((await t.ok(Q, { i: reordered })).createModelVersion.id).toBe(first);
    const literal = `mutation { createModelVersion(input: { artifactUri: "s3://canon", modelId: "${modelA}", idempotencyKey: "canonical",
      metrics: [{ key: "auc", value: 0.9 }], hyperparameters: { b: 2, a: { x: null, y: 1 } }, description: null }) { id } }`;
    expect((await t.ok(literal)).createModelVersion.id).toBe(first);
    // inside a JSON value null is a value: dropping it changes the input
    const changed = await t.fails(Q, { i: { ...v, hyperparameters: { b: 2, a: { y: 1 } } } });
    expect(changed.code).toBe('CONFLICT');
    const dsInput = 'mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id } }';
    const ds = (await seed(t).dataset()).id;
    const dv = (await t.ok(dsInput, { i: { datasetId: ds, uri: 's3://d', digest: DIGEST, idempotencyKey: 'dv' } })).createDatasetVersion.id;
    const usage = { datasetVersionId: dv, idempotencyKey: 'role-default' };
    const withDefault = (await t.ok(Q, { i: { modelId: modelA, artifactUri: 's3://r', datasets: [{ datasetVersionId: dv }], idempotencyKey: usage.idempotencyKey } })).createModelVersion.id;
    const explicit = await t.ok(Q, { i: { modelId: modelA, artifactUri: 's3://r', datasets: [{ datasetVersionId: dv, role: 'TRAINING' }], idempotencyKey: usage.idempotencyKey } });
    expect(explicit.createModelVersion.id).toBe(withDefault);
  });

  it('concurrent calls, same key: the same input → one object for all; different inputs → one wins, the others CONFLICT', async () => {
    const same = { modelId: modelB, artifactUri: 's3://same', idempotencyKey: 'race-same' };
    const sameResults = await Promise.all(Array.from({ length: 8 }, () => t.gql(Q, { i: same })));
    expect(sameResults.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(new Set(sameResults.map((r) => r.data!.createModelVersion.id)).size).toBe(1);

    const before = (await t.ok('query($id: ID) { model(id: $id) { versionCount } }', { id: modelB })).model.versionCount;
    const inputs = Array.from({ length: 8 }, (_, i) => ({ modelId: modelB, artifactUri: `s3://race/${i % 2}`, idempotencyKey: 'race-different' }));
    const results = await Promise.all(inputs.map((i) => t.gql(Q, { i })));
    const won = results.filter((r) => !r.errors);
    const lost = results.filter((r) => r.errors);
    expect(new Set(won.map((r) => r.data!.createModelVersion.id)).size).toBe(1);
    const winnerUri = won[0].data!.createModelVersion.artifactUri;
    expect(won.every((r) => r.data!.createModelVersion.artifactUri === winnerUri)).toBe(true);
    expect(won).toHaveLength(4);
    expect(lost.map((r) => [r.errors![0].extensions?.code, r.errors![0].extensions?.reason])).toEqual(
      Array(4).fill(['CONFLICT', 'IDEMPOTENCY_KEY_REUSED']));
    const after = (await t.ok('query($id: ID) { model(id: $id) { versionCount } }', { id: modelB })).model.versionCount;
    expect(after).toBe(before + 1);
  });
});

describe('idempotency key retention', () => {
  let t: TestApp;
  const HOUR = 3600 * 1000;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  const addKeys = async (n: number, ageMs: number, prefix: string) => {
    const createdAt = new Date(Date.now() - ageMs);
    const rows = Array.from({ length: n }, (_, i) => ({ subject: 'anonymous', mutation: 'createExperiment', key: `${prefix}-${i}`,
      fingerprint: 'f'.repeat(64), entityId: `exp_${i}`, createdAt }));
    for (let i = 0; i < rows.length; i += 200) await t.app.db.manager.insert(IdempotencyKey, rows.slice(i, i + 200));
  };
  const keysLeft = async (prefix: string) =>
    t.app.db.manager.createQueryBuilder(IdempotencyKey, 'k').where('k.key LIKE :p', { p: `${prefix}-%` }).getCount();

  it(`pruning deletes only keys older than ${IDEMPOTENCY_RETENTION_MS / HOUR} h, at most ${PRUNE_BATCH} per call`, async () => {
    await addKeys(620, 25 * HOUR, 'old');
    await addKeys(7, 23 * HOUR, 'young');
    expect(await pruneIdempotencyKeys(t.app.db)).toBe(PRUNE_BATCH);
    expect(await keysLeft('old')).toBe(120);
    expect(await pruneIdempotencyKeys(t.app.db)).toBe(120);
    expect(await pruneIdempotencyKeys(t.app.db)).toBe(0);
    expect(await keysLeft('old')).toBe(0);
    expect(await keysLeft('young')).toBe(7);
  });

  it('keyed creates prune as they go: on every write while a backlog remains, else at most once a minute', async () => {
    const fresh = await TestApp.start(); // its own process-wide prune schedule
    try {
      const left = (prefix: string) => fresh.app.db.manager.createQueryBuilder(IdempotencyKey, 'k')
        .where('k.key LIKE :p', { p: `${prefix}-%` }).getCount();
      const create = (key: string) => fresh.ok('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }',
        { i: { name: `prune-${key}`, idempotencyKey: key } });
      const old = (n: number, prefix: string) => fresh.app.db.manager.insert(IdempotencyKey, Array.from({ length: n }, (_, i) => ({
        subject: 'anonymous', mutation: 'createExperiment', key: `${prefix}-${i}`, fingerprint: 'f'.repeat(64), entityId: `exp_${i}`,
        createdAt: new Date(Date.now() - 48 * HOUR) })));
      for (let i = 0; i < 4; i++) await old(175, `backlog${i}`);
      await create('k1');
      expect(await Promise.all([0, 1, 2, 3].map((i) => left(`backlog${i}`))).then((c) => c.reduce((x, y) => x + y))).toBe(200);
      await create('k2');
      expect(await Promise.all([0, 1, 2, 3].map((i) => left(`backlog${i}`))).then((c) => c.reduce((x, y) => x + y))).toBe(0);
      await old(3, 'quiet');
      await create('k3'); // no backlog was left, and the last prune ran moments ago
      expect(await left('quiet')).toBe(3);
      expect(await fresh.app.db.manager.countBy(IdempotencyKey, { key: 'k1' })).toBe(1); // young keys stay
    } finally {
      await fresh.stop();
    }
  });

  it('a key kept from before fingerprints (a legacy row) never matches: CONFLICT instead of a guess', async () => {
    const runner = t.app.db.dataSource.createQueryRunner();
    const migration = new IdempotencyFingerprint1764700000000();
    const exp = await t.ok('mutation { createExperiment(input: { name: "legacy-exp", idempotencyKey: "kept" }) { id } }');
    try {
      await migration.down(runner);
      const rows = await runner.query('SELECT scope, entity_id FROM idempotency_key WHERE scope = \'createExperiment\' AND entity_id = ?', [exp.createExperiment.id]);
      expect(rows).toHaveLength(1);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const [legacy] = await t.app.db.manager.findBy(IdempotencyKey, { key: 'kept' });
    expect(legacy).toMatchObject({ subject: '', fingerprint: 'legacy', entityId: exp.createExperiment.id });
    const again = await t.fails('mutation { createExperiment(input: { name: "legacy-exp", idempotencyKey: "kept" }) { id } }');
    expect(again).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    expect(again.errors[0].extensions?.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    const fresh = await t.ok('mutation { createExperiment(input: { name: "legacy-exp-2", idempotencyKey: "new-key" }) { id } }');
    expect(fresh.createExperiment.id).toMatch(/^exp_/);
  });
});
