import { TestApp } from '../support/app';
import { seed } from '../support/seed';

describe('values read back exactly as written, on every engine', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('DateTime keeps milliseconds, and a value read back works as an inclusive/exclusive bound', async () => {
    const startedAt = '2026-01-02T03:04:05.678Z';
    const exp = await seed(t).experiment();
    const run = (await t.ok('mutation($i: StartRunInput!) { startRun(input: $i) { id startedAt createdAt } }',
      { i: { experimentId: exp.id, startedAt } })).startRun;
    expect(run.startedAt).toBe(startedAt);
    expect(run.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const reread = (await t.ok('query($id: ID!) { run(id: $id) { startedAt createdAt } }', { id: run.id })).run;
    expect(reread).toEqual({ startedAt, createdAt: run.createdAt });

    const m = await seed(t).model();
    const created = (await t.ok('query($id: ID!) { model(id: $id) { createdAt } }', { id: m.id })).model.createdAt;
    const count = async (filter: Record<string, string>) =>
      (await t.ok('query($f: ModelFilter) { models(filter: $f) { totalCount } }', { f: filter })).models.totalCount;
    const justBefore = new Date(Date.parse(created) - 1).toISOString();
    const justAfter = new Date(Date.parse(created) + 1).toISOString();
    expect(await count({ createdAfter: justBefore, nameContains: m.name })).toBe(1);
    expect(await count({ createdAfter: created, nameContains: m.name })).toBe(0);
    expect(await count({ createdBefore: justAfter, nameContains: m.name })).toBe(1);
    expect(await count({ createdBefore: created, nameContains: m.name })).toBe(0);
  });

  it('names are case-, accent- and space-exact: distinct names coexist and lookups never fold', async () => {
    for (const name of ['Model', 'model', 'modèle', 'modele', 'spaced', 'spaced ']) await seed(t).model(name);
    for (const name of ['Model', 'model', 'modèle', 'modele', 'spaced', 'spaced ']) {
      expect((await t.ok('query($n: String!) { model(name: $n) { name } }', { n: name })).model).toEqual({ name });
    }
    expect((await t.ok('{ model(name: "MODEL") { name } }')).model).toBeNull();
    expect((await t.ok('{ model(name: "spaced  ") { name } }')).model).toBeNull();
    const dup = await t.fails('mutation { registerModel(input: { name: "spaced " }) { id } }');
    expect([dup.code, dup.field]).toEqual(['CONFLICT', 'input.name']);
  });

  it('JSON round-trips unchanged (nested objects, arrays, unicode, numbers)', async () => {
    const hyperparameters = { lr: 0.001, layers: [64, 32], opt: { name: 'adam', betas: [0.9, 0.999] }, note: 'ünïcødé ✓', flag: false, none: null };
    const m = await seed(t).model();
    const v = await seed(t).version(m.id, { hyperparameters, signature: { inputs: [{ name: 'x', type: 'float32', shape: [-1, 3] }] } });
    const read = (await t.ok('query($id: ID!) { modelVersion(id: $id) { hyperparameters signature } }', { id: v.id })).modelVersion;
    expect(read.hyperparameters).toEqual(hyperparameters);
    expect(read.signature).toEqual({ inputs: [{ name: 'x', type: 'float32', shape: [-1, 3] }] });
  });
});
