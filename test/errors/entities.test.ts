import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { expectError } from './helpers';

/**
 * `_entities` references a gateway sends: one that names no entity type of ours, or carries no string id,
 * is the caller's mistake — BAD_USER_INPUT naming `representations.N…`, and not logged as a server error.
 */
const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Model { id name } } }';

describe('_entities with bad representations', () => {
  let t: TestApp;
  let modelId: string;
  let logged: jest.SpyInstance;
  beforeAll(async () => {
    t = await TestApp.start();
    modelId = (await seed(t).model()).id;
  });
  beforeEach(() => {
    logged = jest.spyOn(t.app.log, 'error');
  });
  afterEach(() => logged.mockRestore());
  afterAll(() => t.stop());

  it.each([
    ['an unknown type', [{ __typename: 'Nope', id: 'x' }], 'representations.0.__typename'],
    ['a type that is not an entity (Tag)', [{ __typename: 'Tag', id: 'x' }], 'representations.0.__typename'],
    ['a root type (Query)', [{ __typename: 'Query', id: 'x' }], 'representations.0.__typename'],
    ['an input type', [{ __typename: 'TagInput', id: 'x' }], 'representations.0.__typename'],
    ['no __typename, after a good one', [{ __typename: 'Model', id: 'mdl_x' }, { id: 'x' }], 'representations.1.__typename'],
    ['a __typename that is not a string', [{ __typename: 5, id: 'x' }], 'representations.0.__typename'],
    ['a reference that is not an object', ['Model'], 'representations.0'],
    ['an id that is not a string', [{ __typename: 'Model', id: { $gt: '' } }], 'representations.0.id'],
    ['no id', [{ __typename: 'Model' }], 'representations.0.id'],
    ['an id with a lone surrogate', [{ __typename: 'Model', id: 'mdl_\ud800' }], 'representations.0.id'],
  ])('%s → BAD_USER_INPUT naming representations.N, not logged as an error', async (_label, representations, field) => {
    await expectError(t, ENTITIES, { r: representations }, { code: 'BAD_USER_INPUT', field: field as string });
    expect(logged).not.toHaveBeenCalled();
  });

  it('good references still resolve (control), an unknown id to null', async () => {
    const d = await t.ok(ENTITIES, { r: [{ __typename: 'Model', id: modelId }, { __typename: 'Model', id: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz' }] });
    expect(d._entities).toEqual([{ __typename: 'Model', id: modelId, name: expect.any(String) }, null]);
    expect(logged).not.toHaveBeenCalled();
  });
});
