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

    it('the same key with a different input still creates nothing new', async () => {
      const key = `changed-${spec.mutation}`;
      const first = await created(spec, { ...spec.input(f, ++n), idempotencyKey: key });
      const before = await spec.count(t, f);
      const r = await call(spec, { ...spec.input(f, ++n), idempotencyKey: key });
      // either the first call's object, or a client error, never a second object
      if (r.errors) expect(['CONFLICT', 'BAD_USER_INPUT', 'PRECONDITION_FAILED']).toContain(r.errors[0].extensions?.code);
      else expect((r.data as { r: { id: string } }).r.id).toBe(first);
      expect(await spec.count(t, f)).toBe(before);
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
    const again = await t.ok(q, { i: { modelId: model.id, artifactUri: 's3://a', idempotencyKey: 'v1', bump: 'MAJOR' } });
    expect(again.createModelVersion).toEqual(first.createModelVersion);
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
