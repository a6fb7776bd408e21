import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';

/**
 * The registry composes into a company supergraph next to another subgraph that defines the common value
 * types itself (a spec-complete Relay PageInfo, Tag, Metric) and extends our entities.
 */
const OURS = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');

const MONITORING = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type PageInfo @shareable {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Tag @shareable { key: String! value: String! }

type Metric @shareable { key: String! value: Float! step: Int timestamp: DateTime }

scalar DateTime

type Model @key(fields: "id") {
  id: ID!
  dashboardUrl: String
}

type AlertConnection { nodes: [Alert!]! pageInfo: PageInfo! }
type Alert { id: ID! model: Model! metrics: [Metric!]! tags: [Tag!]! }

type Query { alerts(first: Int, after: String, last: Int, before: String): AlertConnection! }
`;

function compose(registrySdl: string) {
  return composeServices([
    { name: 'registry', typeDefs: parse(registrySdl), url: 'http://127.0.0.1:4000/graphql' },
    { name: 'monitoring', typeDefs: parse(MONITORING), url: 'http://127.0.0.1:4001/graphql' },
  ]);
}

describe('supergraph composition', () => {
  it('composes with a subgraph that defines PageInfo, Tag and Metric itself and extends Model', () => {
    const result = compose(OURS);
    expect(result.errors?.map((e) => e.message) ?? []).toEqual([]);
    const supergraph = result.schema!.toAPISchema().toGraphQLJSSchema();
    const model = supergraph.getType('Model') as import('graphql').GraphQLObjectType;
    expect(Object.keys(model.getFields())).toEqual(expect.arrayContaining(['versions', 'deployments', 'tags', 'dashboardUrl']));
    const pageInfo = supergraph.getType('PageInfo') as import('graphql').GraphQLObjectType;
    expect(Object.keys(pageInfo.getFields()).sort()).toEqual(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
  });

  it('would not compose with the PageInfo the registry had before (no hasPreviousPage, no startCursor)', () => {
    const before = OURS.replace(/^type PageInfo\n[\s\S]*?^\}$/m, 'type PageInfo @shareable {\n  hasNextPage: Boolean!\n  endCursor: String\n}');
    expect(before).not.toEqual(OURS);
    const result = compose(before);
    expect(result.errors?.map((e) => e.message).join("\n")).toMatch(/PageInfo.(hasPreviousPage|startCursor)/);
  });
});
