import { isObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import { ID_PREFIXES, typeOfId, type NodeTypeName } from '../../src/common/ids';
import { ENTITIES } from '../../src/modules';
import { NODE_TYPE_NAMES, NODE_TYPES, nodeTypesWith } from '../../src/node/node-types';
import { buildRegistrySchema } from '../../src/schema';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/** The node-type registry is complete, and every type in it works through each entry point derived from it. */

function nodeTypesOf(schema: GraphQLSchema): string[] {
  const node = schema.getType('Node');
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && type.getInterfaces().some((i) => i === node))
    .map((type) => type.name)
    .sort();
}

const byType = (type: NodeTypeName) => `... on ${type} { id }`;
const FRAGMENTS = NODE_TYPE_NAMES.map(byType).join(' ');

describe('node type registry', () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  const ids = {} as Record<NodeTypeName, string>;

  beforeAll(async () => {
    t = await TestApp.start();
    schema = await buildRegistrySchema();
    const s = seed(t);
    const exp = await s.experiment();
    const model = await s.model();
    const ds = await s.dataset();
    const version = await s.version(model.id);
    await t.ok('mutation($m: ID!) { setModelPolicy(modelId: $m, input: { requiredApprovals: 1, protectedAliases: [] }) { id } }', { m: model.id });
    const request = await t.ok<{ requestStageTransition: { id: string } }>(
      'mutation($v: ID!) { requestStageTransition(versionId: $v, stage: STAGING) { id } }', { v: version.id });
    Object.assign(ids, {
      Experiment: exp.id, Run: (await s.run(exp.id)).id, Model: model.id, ModelVersion: version.id, Dataset: ds.id,
      DatasetVersion: (await s.datasetVersion(ds.id)).id, Deployment: (await s.deployment(model.id)).id,
      TransitionRequest: request.requestStageTransition.id,
    });
  });
  afterAll(() => t.stop());

  it('names every type that implements Node, each with its own id prefix, entity class and table', () => {
    expect(nodeTypesOf(schema)).toEqual([...NODE_TYPE_NAMES].sort());
    expect(Object.keys(ID_PREFIXES)).toEqual(NODE_TYPE_NAMES);
    expect(new Set(Object.values(ID_PREFIXES)).size).toBe(NODE_TYPE_NAMES.length);
    for (const type of NODE_TYPE_NAMES) {
      expect([type, NODE_TYPES[type].entity.name]).toEqual([type, type]);
      expect(ENTITIES).toContain(NODE_TYPES[type].entity);
      expect([type, typeOfId(ids[type])]).toEqual([type, type]);
    }
  });

  it.each(NODE_TYPE_NAMES)('node(id:), nodes(ids:) and _entities resolve a %s', async (type) => {
    const data = await t.ok(`query($id: ID!, $r: [_Any!]!) {
      node(id: $id) { __typename ${FRAGMENTS} } nodes(ids: [$id]) { __typename id }
      _entities(representations: $r) { __typename ${FRAGMENTS} } }`, { id: ids[type], r: [{ __typename: type, id: ids[type] }] });
    expect(data).toEqual({
      node: { __typename: type, id: ids[type] },
      nodes: [{ __typename: type, id: ids[type] }],
      _entities: [{ __typename: type, id: ids[type] }],
    });
  });

  it.each(NODE_TYPE_NAMES)('setTags on a %s applies exactly when the type is taggable', async (type) => {
    const mutation = 'mutation($id: ID!) { setTags(id: $id, tags: [{ key: "team", value: "vision" }]) { __typename id } }';
    if (NODE_TYPES[type].taggable) {
      expect((await t.ok(mutation, { id: ids[type] })).setTags).toEqual({ __typename: type, id: ids[type] });
      const read = await t.ok(`query($id: ID!) { node(id: $id) { ... on ${type} { tags { key value } } } }`, { id: ids[type] });
      expect(read.node.tags).toEqual([{ key: 'team', value: 'vision' }]);
    } else {
      expect(await t.fails(mutation, { id: ids[type] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    }
  });

  it.each(NODE_TYPE_NAMES)('updateDescription on a %s applies exactly when the type is described', async (type) => {
    const mutation = 'mutation($id: ID!) { updateDescription(id: $id, description: "registry") { __typename id } }';
    if (NODE_TYPES[type].described) {
      expect((await t.ok(mutation, { id: ids[type] })).updateDescription).toEqual({ __typename: type, id: ids[type] });
      const read = await t.ok(`query($id: ID!) { node(id: $id) { ... on ${type} { description } } }`, { id: ids[type] });
      expect(read.node.description).toBe('registry');
    } else {
      expect(await t.fails(mutation, { id: ids[type] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    }
  });

  it.each(NODE_TYPE_NAMES)('lineage(id:) and one-hop fields exist for a %s exactly when it is a lineage node', async (type) => {
    const query = 'query($id: ID!) { lineage(id: $id, maxDepth: 1) { root { __typename } } }';
    const fields = (schema.getType(type) as { getFields(): Record<string, unknown> }).getFields();
    if (NODE_TYPES[type].lineage) {
      expect((await t.ok(query, { id: ids[type] })).lineage.root).toEqual({ __typename: type });
      expect(['upstream' in fields, 'downstream' in fields]).toEqual([true, true]);
    } else {
      expect((await t.fails(query, { id: ids[type] })).code).toBe('NOT_FOUND');
      expect(['upstream' in fields, 'downstream' in fields]).toEqual([false, false]);
    }
  });

  it('the LineageNode union holds the lineage types in table order', () => {
    const union = schema.getType('LineageNode');
    expect(isUnionType(union) && union.getTypes().map((u) => u.name)).toEqual(nodeTypesWith('lineage'));
  });
});
