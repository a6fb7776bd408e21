import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { expectError, MALFORMED_IDS, unknownId } from './helpers';

const NODE = 'query($id: ID!) { node(id: $id) { __typename id } }';
const NODES = 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }';

describe('node() and nodes(): bad ids', () => {
  let t: TestApp;
  let all: { typename: string; id: string }[];

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const exp = await s.experiment();
    const run = await s.run(exp.id);
    const model = await s.model();
    const version = await s.version(model.id);
    const ds = await s.dataset();
    const dsv = await s.datasetVersion(ds.id);
    const dep = await s.deployment(model.id);
    all = [
      { typename: 'Experiment', id: exp.id }, { typename: 'Run', id: run.id }, { typename: 'Model', id: model.id },
      { typename: 'ModelVersion', id: version.id }, { typename: 'Dataset', id: ds.id }, { typename: 'DatasetVersion', id: dsv.id },
      { typename: 'Deployment', id: dep.id },
    ];
  });
  afterAll(() => t.stop());

  it('every type is found by its id, with the right __typename', async () => {
    for (const { typename, id } of all) expect((await t.ok(NODE, { id })).node).toEqual({ __typename: typename, id });
  });

  it('a malformed id, an unknown well-formed id of any type, an id with an unknown prefix → null, no error', async () => {
    const ids = [
      ...MALFORMED_IDS,
      ...['exp', 'run', 'mdl', 'mv', 'ds', 'dsv', 'dep'].map(unknownId),
      unknownId('zzz'), unknownId('usr'),
      ...all.map(({ id }) => id.toUpperCase()),
      ...all.map(({ id }) => ` ${id}`),
      ...all.map(({ id }) => id.slice(0, -1)),
      // the right ULID under another type's prefix
      ...all.map(({ id }) => `${id.startsWith('mdl_') ? 'exp' : 'mdl'}_${id.split('_')[1]}`),
    ];
    for (const id of ids) {
      const r = await t.gql(NODE, { id });
      expect({ id, errors: r.errors, data: r.data }).toEqual({ id, errors: undefined, data: { node: null } });
    }
  });

  it('nodes() answers in the order asked, with null where an id is unknown or malformed, and repeats repeated ids', async () => {
    const ids = [all[2].id, 'xyz', all[0].id, unknownId('mv'), all[2].id, '', all[6].id];
    const d = await t.ok(NODES, { ids });
    expect(d.nodes).toEqual([
      { __typename: 'Model', id: all[2].id }, null, { __typename: 'Experiment', id: all[0].id }, null,
      { __typename: 'Model', id: all[2].id }, null, { __typename: 'Deployment', id: all[6].id },
    ]);
    expect((await t.ok(NODES, { ids: [] })).nodes).toEqual([]);
  });

  it('nodes() with 1,001 ids → BAD_USER_INPUT on ids; 1,000 are answered', async () => {
    await expectError(t, NODES, { ids: Array.from({ length: 1001 }, (_, i) => (i % 2 ? all[1].id : `x${i}`)) }, { code: 'BAD_USER_INPUT', field: 'ids' });
    const d = await t.ok('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array.from({ length: 1000 }, (_, i) => (i % 2 ? all[1].id : `x${i}`)) });
    expect(d.nodes).toHaveLength(1000);
    expect(d.nodes.filter((n: unknown) => n !== null)).toHaveLength(500);
  });
});
