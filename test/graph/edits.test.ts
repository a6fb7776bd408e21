import { TestApp } from '../support/app';
import { seed } from '../support/seed';

const TAGS = 'mutation($id: ID!, $t: [TagInput!]!) { setTags(id: $id, tags: $t) { id ... on Model { tags { key value } updatedAt } ... on Run { tags { key value } } } }';
const DESC = 'mutation($id: ID!, $d: String) { updateDescription(id: $id, description: $d) { id ... on ModelVersion { description artifactUri updatedAt } ... on Model { description } } }';

describe('editing tags and descriptions after creation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('replaces the whole tag set and bumps updatedAt', async () => {
    const m = await seed(t).model();
    const before = (await t.ok('query($id: ID!) { model(id: $id) { updatedAt } }', { id: m.id })).model.updatedAt;
    await new Promise((r) => setTimeout(r, 3));
    await t.ok(TAGS, { id: m.id, t: [{ key: 'team', value: 'a' }, { key: 'tier', value: '1' }] });
    const after = (await t.ok(TAGS, { id: m.id, t: [{ key: 'team', value: 'b' }] })).setTags;
    expect(after.tags).toEqual([{ key: 'team', value: 'b' }]);
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(before));
    const filtered = await t.ok('{ models(filter: { tag: { key: "team", value: "b" } }) { nodes { id } } }');
    expect(filtered.models.nodes).toEqual([{ id: m.id }]);
    expect((await t.ok(TAGS, { id: m.id, t: [] })).setTags.tags).toEqual([]);
    const run = await seed(t).run((await seed(t).experiment()).id);
    expect((await t.ok(TAGS, { id: run.id, t: [{ key: 'gpu', value: 'a100' }] })).setTags.tags).toEqual([{ key: 'gpu', value: 'a100' }]);
  });

  it('changes a version\'s description but never its content', async () => {
    const m = await seed(t).model();
    const v = await seed(t).version(m.id);
    const edited = (await t.ok(DESC, { id: v.id, d: 'retrained on November data' })).updateDescription;
    expect(edited).toMatchObject({ id: v.id, description: 'retrained on November data', artifactUri: 's3://models/artifact' });
    expect((await t.ok(DESC, { id: m.id, d: null })).updateDescription.description).toBeNull();
  });

  it('rejects bad input and writes nothing', async () => {
    const m = await seed(t).model();
    await t.ok(TAGS, { id: m.id, t: [{ key: 'keep', value: 'me' }] });
    expect(await t.fails(TAGS, { id: m.id, t: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tags.1.key' });
    expect(await t.fails(TAGS, { id: m.id, t: [{ key: '', value: '1' }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tags.0.key' });
    expect(await t.fails(TAGS, { id: m.id, t: [{ key: 'k', value: 'x'.repeat(1001) }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tags.0.value' });
    expect(await t.fails(TAGS, { id: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz', t: [] })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(await t.fails(TAGS, { id: 'nonsense', t: [] })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect((await t.ok('query($id: ID!) { model(id: $id) { tags { key } } }', { id: m.id })).model.tags).toEqual([{ key: 'keep' }]);
    expect(await t.fails(DESC, { id: m.id, d: 'x'.repeat(10_001) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'description' });
    const run = await seed(t).run((await seed(t).experiment()).id);
    expect(await t.fails(DESC, { id: run.id, d: 'runs have no description' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
