import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { describeNamedEntity, expectError, tags } from './helpers';

const REGISTER = 'mutation($i: RegisterModelInput!) { registerModel(input: $i) { id name versioningScheme versionCount tags { key value } } }';

describe('registerModel and model(): bad inputs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  describeNamedEntity(() => t, {
    mutation: 'registerModel',
    inputType: 'RegisterModelInput',
    lookup: 'model',
    list: 'models',
    typeName: 'Model',
    valid: (name) => ({ name, versioningScheme: 'SEMVER' }),
    otherTypeId: async () => (await seed(t).dataset()).id,
  });

  it('versioningScheme defaults to INTEGER', async () => {
    const d = await t.ok(REGISTER, { i: { name: 'default-scheme' } });
    expect(d.registerModel).toMatchObject({ versioningScheme: 'INTEGER', versionCount: 0 });
  });

  it('an unknown versioningScheme in an inline literal is rejected by validation, nothing written', async () => {
    const r = await t.gql('mutation { registerModel(input: { name: "inline-calver", versioningScheme: CALVER }) { id } }');
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await t.ok('{ model(name: "inline-calver") { id } }')).model).toBeNull();
  });

  it('an unknown versioningScheme passed as a variable → BAD_USER_INPUT (not a masked internal error), nothing written', async () => {
    const r = await t.gql(REGISTER, { i: { name: 'bad-scheme', versioningScheme: 'CALVER' } });
    expect(r.errors).toHaveLength(1);
    expect({ code: r.errors![0].extensions?.code, message: r.errors![0].message })
      .toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining('CALVER') });
    expect((await t.ok('{ model(name: "bad-scheme") { id } }')).model).toBeNull();
  });

  it('exactly 1,000 tags are accepted and all stored', async () => {
    const d = await t.ok(REGISTER, { i: { name: 'thousand-tags', tags: tags(1000) } });
    expect(d.registerModel.tags).toHaveLength(1000);
    const again = await t.ok('{ model(name: "thousand-tags") { tags { key } } }');
    expect(new Set(again.model.tags.map((x: { key: string }) => x.key)).size).toBe(1000);
  });

  it('a model id of a model version → null from model(id:), NOT_FOUND as a model in mutations', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    expect((await t.ok('query($id: ID) { model(id: $id) { id } }', { id: v.id })).model).toBeNull();
    await expectError(t, 'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }',
      { i: { name: 'dep-on-version', modelId: v.id, environment: 'prod' } }, { code: 'NOT_FOUND', field: 'input.modelId' });
  });
});
