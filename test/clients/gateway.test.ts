import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, LocalGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';

/**
 * The composition proof: schema/schema.graphql composed with a second subgraph (monitoring: alerts on model
 * versions and deployments), @apollo/gateway over both in process, queries crossing the subgraphs both
 * ways, and the registry answering the gateway's `_entities` with one SQL statement per entity type.
 */

const REGISTRY_SDL = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');

const MONITORING_SDL = parse(`
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type ModelVersion @key(fields: "id") { id: ID! alerts: [Alert!]! }
type Deployment @key(fields: "id") { id: ID! errorRate: Float! }
type Alert { id: ID! severity: String! version: ModelVersion! deployment: Deployment! }
type Query { alerts: [Alert!]! }
`);

interface Alert { id: string; severity: string; versionId: string; deploymentId: string }

describe('a gateway over the registry and a second subgraph', () => {
  let t: TestApp;
  let gateway: ApolloServer;
  const alerts: Alert[] = [];
  /** The registry's subgraph calls during the last operation: the document and its SQL statements. */
  let registryCalls: { query: string; statements: string[] }[] = [];
  let versions: { id: string; version: string }[];
  let deployment: { id: string };

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const model = await s.model('gw-model');
    versions = [];
    for (let i = 0; i < 3; i += 1) versions.push(await s.version(model.id, { artifactDigest: DIGEST }));
    deployment = (await t.ok<{ createDeployment: { id: string } }>(
      'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }',
      { i: { name: 'gw-deployment', modelId: model.id, environment: 'production' } })).createDeployment;
    alerts.push(
      { id: 'a1', severity: 'HIGH', versionId: versions[0].id, deploymentId: deployment.id },
      { id: 'a2', severity: 'LOW', versionId: versions[1].id, deploymentId: deployment.id },
      { id: 'a3', severity: 'LOW', versionId: versions[2].id, deploymentId: deployment.id },
    );

    const monitoring = buildSubgraphSchema([{
      typeDefs: MONITORING_SDL,
      resolvers: {
        Query: { alerts: () => alerts },
        Alert: {
          version: (a: Alert) => ({ __typename: 'ModelVersion', id: a.versionId }),
          deployment: (a: Alert) => ({ __typename: 'Deployment', id: a.deploymentId }),
        },
        ModelVersion: {
          __resolveReference: (ref: { id: string }) => ref,
          alerts: (v: { id: string }) => alerts.filter((a) => a.versionId === v.id),
        },
        Deployment: { __resolveReference: (ref: { id: string }) => ref, errorRate: () => 0.02 },
      },
    }]);
    const composed = composeServices([
      { name: 'registry', typeDefs: parse(REGISTRY_SDL), url: 'http://registry.invalid/graphql' },
      { name: 'monitoring', typeDefs: MONITORING_SDL, url: 'http://monitoring.invalid/graphql' },
    ]);
    expect(composed.errors?.map((e) => e.message) ?? []).toEqual([]);

    const registry: GraphQLDataSource = {
      async process({ request }) {
        const { result, statements } = await t.statements(request.query ?? '', request.variables ?? {});
        registryCalls.push({ query: request.query ?? '', statements });
        return result as GatewayGraphQLResponse;
      },
    };
    gateway = new ApolloServer({
      gateway: new ApolloGateway({
        supergraphSdl: composed.supergraphSdl!,
        buildService: ({ name }) => (name === 'registry' ? registry : new LocalGraphQLDataSource(monitoring)),
      }),
    });
    await gateway.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await t?.stop();
  });

  async function query<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
    registryCalls = [];
    const response = await gateway.executeOperation({ query: document, variables });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) throw new Error(JSON.stringify(errors));
    return data as T;
  }

  it('resolves registry fields on the other subgraph’s alerts through _entities, one statement per entity type', async () => {
    const data = await query<{ alerts: { id: string; version: { version: string; stage: string }; deployment: { name: string; environment: string; errorRate: number } }[] }>(
      '{ alerts { id version { version stage } deployment { name environment errorRate } } }');
    expect(data.alerts).toEqual([
      { id: 'a1', version: { version: '1', stage: 'NONE' }, deployment: { name: 'gw-deployment', environment: 'production', errorRate: 0.02 } },
      { id: 'a2', version: { version: '2', stage: 'NONE' }, deployment: { name: 'gw-deployment', environment: 'production', errorRate: 0.02 } },
      { id: 'a3', version: { version: '3', stage: 'NONE' }, deployment: { name: 'gw-deployment', environment: 'production', errorRate: 0.02 } },
    ]);
    expect(registryCalls.every((c) => c.query.includes('_entities'))).toBe(true);
    const statements = registryCalls.flatMap((c) => c.statements);
    // Three ModelVersion representations and three (equal) Deployment ones: one SELECT for each type.
    expect(statements).toHaveLength(2);
    expect(statements.filter((sql) => /\bmodel_version\b/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /\bdeployment\b/.test(sql))).toHaveLength(1);
  });

  it('resolves the other subgraph’s fields on registry versions', async () => {
    const data = await query<{ model: { versions: { edges: { node: { version: string; alerts: { id: string; severity: string }[] } }[] } } }>(
      '{ model(name: "gw-model") { versions(first: 10) { edges { node { version alerts { id severity } } } } } }');
    expect(data.model.versions.edges.map((e) => [e.node.version, e.node.alerts])).toEqual([
      ['3', [{ id: 'a3', severity: 'LOW' }]],
      ['2', [{ id: 'a2', severity: 'LOW' }]],
      ['1', [{ id: 'a1', severity: 'HIGH' }]],
    ]);
    expect(registryCalls).toHaveLength(1);
    expect(registryCalls[0].query).not.toContain('_entities');
  });
});
