import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, LocalGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { composeExample } from '../../scripts/compose-example';
import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';

/**
 * The composition proof: schema/schema.graphql composed with a second subgraph (schema/examples/monitoring.graphql:
 * alerts on model versions and deployments, sharing Tag and PageInfo), @apollo/gateway over both in process with
 * the caller's Authorization forwarded to the registry, queries crossing the subgraphs both ways, and the
 * registry answering the gateway's `_entities` with one SQL statement per entity type.
 */

const MONITORING_SDL = parse(readFileSync(resolve(__dirname, '../../schema/examples/monitoring.graphql'), 'utf8'));
const ADMIN_TOKEN = 'gateway-admin-token-0001';

interface Alert { id: string; severity: string; versionId: string; deploymentId: string }

describe('a gateway over the registry and a second subgraph', () => {
  let t: TestApp;
  let gateway: ApolloServer<{ authorization?: string }>;
  const alerts: Alert[] = [];
  /** The registry's subgraph calls during the last operation: the document and its SQL statements. */
  let registryCalls: { query: string; statements: string[] }[] = [];
  let versions: { id: string; version: string }[];
  let deployment: { id: string };

  beforeAll(async () => {
    t = await TestApp.start({}, { auth: { adminToken: ADMIN_TOKEN } });
    const s = seed(t, t.admin);
    const model = await s.model('gw-model');
    versions = [];
    for (let i = 0; i < 3; i += 1) versions.push(await s.version(model.id, { artifactDigest: DIGEST }));
    deployment = (await t.ok<{ createDeployment: { id: string } }>(
      'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }',
      { i: { name: 'gw-deployment', modelId: model.id, environment: 'production' } }, t.admin)).createDeployment;
    alerts.push(
      { id: 'a1', severity: 'HIGH', versionId: versions[0].id, deploymentId: deployment.id },
      { id: 'a2', severity: 'LOW', versionId: versions[1].id, deploymentId: deployment.id },
      { id: 'a3', severity: 'LOW', versionId: versions[2].id, deploymentId: deployment.id },
    );

    const monitoring = buildSubgraphSchema([{
      typeDefs: MONITORING_SDL,
      resolvers: {
        Query: {
          alerts: () => alerts,
          alertPage: () => ({ nodes: alerts, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } }),
        },
        Alert: {
          tags: (a: Alert) => [{ key: 'severity', value: a.severity.toLowerCase() }],
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
    // The committed example supergraph (checked below to be the composition of the two subgraphs' SDL).
    const supergraphSdl = readFileSync(resolve(__dirname, '../../schema/supergraph.example.graphql'), 'utf8');

    // The registry sees the caller's own Authorization header, as a router's header propagation forwards it.
    const registry: GraphQLDataSource<{ authorization?: string }> = {
      async process({ request, context }) {
        const headers: Record<string, string> = context.authorization ? { authorization: context.authorization } : {};
        const { result, statements } = await t.statements(request.query ?? '', request.variables ?? {}, headers);
        registryCalls.push({ query: request.query ?? '', statements });
        return result as GatewayGraphQLResponse;
      },
    };
    gateway = new ApolloServer<{ authorization?: string }>({
      gateway: new ApolloGateway({
        supergraphSdl,
        buildService: ({ name }) => (name === 'modelgraph' ? registry : new LocalGraphQLDataSource(monitoring)),
      }),
    });
    await gateway.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await t?.stop();
  });

  async function execute(document: string, authorization: string | undefined) {
    registryCalls = [];
    const response = await gateway.executeOperation({ query: document }, { contextValue: { authorization } });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
    return response.body.singleResult;
  }

  async function query<T>(document: string): Promise<T> {
    const { data, errors } = await execute(document, `Bearer ${ADMIN_TOKEN}`);
    if (errors?.length) throw new Error(JSON.stringify(errors));
    return data as T;
  }

  it('the committed example supergraph is the composition of schema/schema.graphql and the example subgraph', () => {
    expect(readFileSync(resolve(__dirname, '../../schema/supergraph.example.graphql'), 'utf8')).toBe(composeExample());
  });

  it('forwards the caller\'s Authorization: without it the registry refuses, the other subgraph still answers', async () => {
    const refused = await execute('{ alerts { id tags { key value } version { version } } }', undefined);
    expect(refused.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    expect(registryCalls).toHaveLength(1);
    const page = await query<{ alertPage: { nodes: { id: string; tags: { key: string; value: string }[] }[]; pageInfo: { hasNextPage: boolean } } }>(
      '{ alertPage { nodes { id tags { key value } } pageInfo { hasNextPage hasPreviousPage } } }');
    expect(page.alertPage.nodes.map((n) => [n.id, n.tags])).toEqual([
      ['a1', [{ key: 'severity', value: 'high' }]], ['a2', [{ key: 'severity', value: 'low' }]], ['a3', [{ key: 'severity', value: 'low' }]],
    ]);
    expect(page.alertPage.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false });
  });

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
