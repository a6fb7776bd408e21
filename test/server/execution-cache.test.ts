import { HeaderMap } from '@apollo/server';
import { parse, type OperationDefinitionNode } from 'graphql';
import { CompiledExecution } from '../../src/execution';
import { buildRegistrySchema } from '../../src/schema';
import { TestApp } from '../support/app';

type Executor = NonNullable<Awaited<ReturnType<CompiledExecution['load']>>['executor']>;
type ExecutorRequest = Parameters<Executor>[0];

/** Compiled documents are cached (bounded), and cost verdicts are remembered per document without changing any answer. */
describe('per-document caches', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('compiled documents', () => {
    let gateway: CompiledExecution;
    let execute: Executor;
    beforeAll(async () => {
      gateway = new CompiledExecution(await buildRegistrySchema(), 2);
      execute = (await gateway.load()).executor;
    });

    /** The part of Apollo's request context the executor reads. */
    const request = (query: string, headers: [string, string][] = []): ExecutorRequest => {
      const document = parse(query);
      const operation = document.definitions[0] as OperationDefinitionNode;
      const map = new HeaderMap(headers);
      return {
        document, operation, operationName: null, queryHash: query, context: t.app.context({ headers: {} }),
        request: { query, variables: {}, http: { method: 'POST', url: '/', headers: { get: (name: string) => map.get(name) ?? null } } },
      } as unknown as ExecutorRequest;
    };

    it('runs a document on graphql-js the first time, compiles it the second, then runs it from the cache', async () => {
      for (let i = 0; i < 4; i++) expect(await execute(request('{ __typename }'))).toEqual({ data: { __typename: 'Query' } });
      expect(gateway.stats).toEqual({ compiled: 1, jit: 3, graphqlJs: 1 });
      expect(gateway.cached).toBe(1);
    });

    it('keeps at most its capacity, dropping the least recently used', async () => {
      for (let i = 0; i < 2; i++) {
        expect(await execute(request('{ a: __typename }'))).toEqual({ data: { a: 'Query' } });
        expect(await execute(request('{ b: __typename }'))).toEqual({ data: { b: 'Query' } });
      }
      expect(gateway.cached).toBe(2);
      expect(gateway.stats.compiled).toBe(3);
      // `{ __typename }` was dropped (it is still known as seen): it compiles again at once.
      await execute(request('{ __typename }'));
      expect(gateway.stats.compiled).toBe(4);
      expect(gateway.cached).toBe(2);
    });

    it('runs a request asking for an inline trace on graphql-js, compiling nothing', async () => {
      const before = { ...gateway.stats };
      expect(await execute(request('{ c: __typename }', [['apollo-federation-include-trace', 'ftv1']]))).toEqual({ data: { c: 'Query' } });
      expect(gateway.stats).toEqual({ ...before, graphqlJs: before.graphqlJs + 1 });
    });
  });

  describe('cost verdicts', () => {
    // About 1,500 per model: within the default limit (50,000) for one model, far over it for 100.
    const QUERY = `query($n: Int!) { models(first: $n) { nodes { name versions(first: 100) { nodes {
      id version stage createdAt metrics { key value } datasets { role } } } } } }`;

    it('follow the variables that change the cost, for the same document', async () => {
      expect(await t.ok(QUERY, { n: 1 })).toEqual({ models: { nodes: [] } });
      const over = await t.fails(QUERY, { n: 100 });
      expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(over.message).toMatch(/^The query costs \d+; the limit is 50000/);
      expect(await t.ok(QUERY, { n: 1 })).toEqual({ models: { nodes: [] } });
      expect((await t.fails(QUERY, { n: 100 })).code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('still reject a bad variable of a document already costed, naming the argument', async () => {
      await t.ok(QUERY, { n: 2 });
      const bad = await t.fails(QUERY, { n: 'two' });
      expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(bad.message).toMatch(/^Variable "\$n" got invalid value "two"/);
    });

    it('do not depend on variables that cannot change the cost', async () => {
      const byName = 'query($name: String!) { model(name: $name) { versions(first: 100) { nodes { id } } } }';
      expect(await t.ok(byName, { name: 'a' })).toEqual({ model: null });
      expect(await t.ok(byName, { name: 'b' })).toEqual({ model: null });
      expect((await t.fails(byName, { name: 7 })).code).toBe('BAD_USER_INPUT');
    });
  });
});
