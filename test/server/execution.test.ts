import { HeaderMap } from '@apollo/server';
import type { ExecutionResult } from 'graphql';
import { TestApp, type GqlResult } from '../support/app';
import { seed } from '../support/seed';

/**
 * Operations run compiled (graphql-jit) unless a router asks for an inline trace (`apollo-federation-include-trace:
 * ftv1`), which runs them on graphql-js. Both must answer the same: data, errors, codes, fields, paths and masking.
 */
const TRACE = 'apollo-federation-include-trace';

describe('compiled execution and graphql-js answer alike', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  /** One operation through Apollo, traced (graphql-js) or not (compiled), as the client would see it. */
  async function run(query: string, variables: Record<string, unknown>, traced: boolean, caller = t.admin): Promise<GqlResult & { extensions?: Record<string, unknown> }> {
    const headers = new HeaderMap(traced ? [[TRACE, 'ftv1']] : []);
    const response = await t.app.apollo.executeOperation(
      { query, variables, http: { method: 'POST', headers, search: '', body: {} } },
      { contextValue: await t.app.context({ headers: caller }) },
    );
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
    return JSON.parse(JSON.stringify(response.body.singleResult as ExecutionResult)) as GqlResult;
  }

  /**
   * Runs both ways; returns the (identical) answer, and checks only the traced one carries a trace. A
   * document's first request runs on graphql-js, its second compiled: the second is the one compared.
   */
  async function both(query: string, variables: Record<string, unknown> = {}, caller = t.admin): Promise<GqlResult> {
    await run(query, variables, false, caller);
    const compiled = await run(query, variables, false, caller);
    const traced = await run(query, variables, true, caller);
    expect(typeof traced.extensions?.ftv1).toBe('string');
    expect(compiled.extensions).toBeUndefined();
    const { extensions: _trace, ...plain } = traced;
    expect(compiled).toEqual(plain);
    return compiled;
  }

  beforeAll(async () => {
    t = await TestApp.start({}, { auth: { adminToken: 'execution-admin-token-01' } });
    const s = seed(t, t.admin);
    const model = await s.model('exec-model');
    const ds = await s.dataset('exec-ds');
    const dsv = await s.datasetVersion(ds.id);
    const exp = await s.experiment('exec-exp');
    const run1 = await s.run(exp.id);
    const v1 = await s.version(model.id, { runId: run1.id, datasets: [{ datasetVersionId: dsv.id }], metrics: [{ key: 'acc', value: 0.9 }] });
    await s.version(model.id);
    Object.assign(ids, { model: model.id, v1: v1.id, dsv: dsv.id, run: run1.id });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('lists, connections and nested relations', async () => {
    const result = await both(`{ models(first: 5) { totalCount pageInfo { hasNextPage }
      nodes { name versions(first: 10) { totalCount nodes { version metrics { key value }
        datasets { role datasetVersion { digest dataset { name } } } run { id } } } } } }`);
    expect(result.errors).toBeUndefined();
    const versions = (result.data as { models: { nodes: { versions: { nodes: { version: string; metrics: unknown[] }[] } }[] } })
      .models.nodes[0].versions.nodes;
    expect(versions.map((v) => v.version)).toEqual(['2', '1']);
    expect(versions[1].metrics).toEqual([{ key: 'acc', value: 0.9 }]);
  });

  it('roles are checked the same way: FORBIDDEN for a VIEWER\'s mutation, the caller in viewer', async () => {
    const viewer = await t.mint('VIEWER');
    const refused = await both('mutation($id: ID!) { setTags(id: $id, tags: []) { __typename } }', { id: ids.model }, viewer.headers);
    expect(refused.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['setTags']]]);
    const who = await both('{ viewer { subject role } }', {}, viewer.headers);
    expect(who.data).toEqual({ viewer: { subject: viewer.subject, role: 'VIEWER' } });
    const tokens = await both('{ apiTokens(first: 1) { totalCount } }', {}, viewer.headers);
    expect(tokens.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('a variable left out leaves its input field out, as graphql-js does, however often the document runs', async () => {
    const SET = 'mutation($m: ID!, $n: Int, $s: [Stage!]) { setModelPolicy(modelId: $m, input: { requiredApprovals: $n, deployableStages: $s }) { policy { requiredApprovals deployableStages } } }';
    await run(SET, { m: ids.model, s: ['PRODUCTION'] }, false);
    for (let i = 1; i <= 3; i++) {
      const kept = await run(SET, { m: ids.model, n: i }, false);
      expect(kept.data).toEqual({ setModelPolicy: { policy: { requiredApprovals: i, deployableStages: ['PRODUCTION'] } } });
    }
    const cleared = await run(SET, { m: ids.model, n: 0, s: null }, false);
    expect(cleared.data).toEqual({ setModelPolicy: { policy: { requiredApprovals: 0, deployableStages: ['NONE', 'STAGING', 'PRODUCTION'] } } });
  });

  it('variables, fragments, @include and input defaults', async () => {
    const query = `query($name: String!, $withVersions: Boolean!, $first: Int) { model(name: $name) { ...M } }
      fragment M on Model { name versions(first: $first) @include(if: $withVersions) { nodes { ... on ModelVersion { version } } } }`;
    const on = await both(query, { name: 'exec-model', withVersions: true, first: 1 });
    expect(on.data).toEqual({ model: { name: 'exec-model', versions: { nodes: [{ version: '2' }] } } });
    const off = await both(query, { name: 'exec-model', withVersions: false });
    expect(off.data).toEqual({ model: { name: 'exec-model' } });
  });

  it('the LineageNode union and one-hop fields', async () => {
    const result = await both('query($id: ID!) { modelVersion(id: $id) { upstream { __typename ... on Run { id } ... on DatasetVersion { id } ... on Model { id } } downstream { __typename } } }', { id: ids.v1 });
    expect(result.errors).toBeUndefined();
    const up = (result.data as { modelVersion: { upstream: { __typename: string; id: string }[] } }).modelVersion.upstream;
    expect(up.map((n) => n.__typename).sort()).toEqual(['DatasetVersion', 'Model', 'Run']);
  });

  it('the Node interface and federation _entities', async () => {
    const node = await both('query($id: ID!) { node(id: $id) { __typename id ... on Model { name } } }', { id: ids.model });
    expect(node.data).toEqual({ node: { __typename: 'Model', id: ids.model, name: 'exec-model' } });
    const entities = await both('query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Model { name } ... on DatasetVersion { id } } }',
      { r: [{ __typename: 'Model', id: ids.model }, { __typename: 'DatasetVersion', id: ids.dsv }, { __typename: 'Model', id: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz' }] });
    expect(entities.data).toEqual({ _entities: [{ __typename: 'Model', name: 'exec-model' }, { __typename: 'DatasetVersion', id: ids.dsv }, null] });
  });

  it('a client error keeps its code, field and path', async () => {
    const bad = await both('{ models(first: -1) { nodes { name } } }');
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors![0]).toMatchObject({ path: ['models'], extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    const nested = await both('query($n: String!) { model(name: $n) { versions(first: 1000) { nodes { id } } } }', { n: 'exec-model' });
    expect(nested.errors![0]).toMatchObject({ path: ['model', 'versions'], extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    const missing = await both('mutation($id: ID!) { setTags(id: $id, tags: []) { __typename } }', { id: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz' });
    expect(missing.errors![0]).toMatchObject({ path: ['setTags'], extensions: { code: 'NOT_FOUND' } });
  });

  it('a bad variable is BAD_USER_INPUT naming the argument, before execution', async () => {
    const result = await both('query($f: Int!) { models(first: $f) { nodes { name } } }', { f: 'ten' });
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('a mutation and a later read in the same request see the write (loaders cleared)', async () => {
    const result = await both(`mutation($id: ID!) { a: setTags(id: $id, tags: [{ key: "k", value: "v" }]) { __typename }
      b: setTags(id: $id, tags: []) { ... on Model { tags { key } } } }`, { id: ids.model });
    expect(result.errors).toBeUndefined();
    expect((result.data as { b: { tags: unknown[] } }).b.tags).toEqual([]);
  });

  it('an unexpected error is masked with its path, either way', async () => {
    await t.app.db.dataSource.query('DROP TABLE tag');
    const result = await both('{ models(first: 5) { nodes { name tags { key } } } }');
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toEqual({ message: 'Internal server error', locations: expect.any(Array), path: ['models', 'nodes', 0, 'tags'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
