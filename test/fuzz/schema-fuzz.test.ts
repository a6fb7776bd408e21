import fc from 'fast-check';
import { buildClientSchema, getIntrospectionQuery, isNonNullType, type GraphQLField, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { unknownId } from '../errors/helpers';
import { argOf, selectionOf, type Arg } from './generators';

/**
 * Property: whatever document and variables a client sends — built from the live schema with boundary
 * numbers, deep JSON, odd Unicode and random ids — the answer is data or a client error, never
 * INTERNAL_SERVER_ERROR, never a thrown request, and memory stays bounded. Seeded (FUZZ_SEED, printed on
 * failure by fast-check) and bounded in time (FUZZ_SECONDS, default 15) so it runs in CI. FUZZ_SHOW=<code>
 * prints each document answered with that first error code (or `data`), to see what the run exercises.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 15);
const ALLOWED_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN']);

type Root = { operation: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> };

function operationArb(schema: GraphQLSchema, ids: fc.Arbitrary<string>): fc.Arbitrary<{ query: string; variables: Record<string, unknown> }> {
  const roots: Root[] = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ operation: 'query' as const, field })),
    ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ operation: 'mutation' as const, field })),
  ].filter(({ field }) => field.name !== '_service');
  return fc.constantFrom(...roots).chain(({ operation, field }) =>
    fc.tuple(...field.args.map((a) => (isNonNullType(a.type) ? argOf(a.type, ids) : fc.option(argOf(a.type, ids), { freq: 4, nil: undefined })))).map((args: (Arg | undefined)[]) => {
      const variables: Record<string, unknown> = {};
      const definitions: string[] = [];
      const passed: string[] = [];
      field.args.forEach((a, i) => {
        const arg = args[i];
        if (!arg) return;
        if (arg.literal !== null) {
          passed.push(`${a.name}: ${arg.literal}`);
        } else {
          definitions.push(`$${a.name}: ${a.type.toString()}`);
          variables[a.name] = arg.value;
          passed.push(`${a.name}: $${a.name}`);
        }
      });
      const selection = selectionOf(field.type, schema);
      const head = definitions.length ? `(${definitions.join(', ')})` : '';
      const call = passed.length ? `(${passed.join(', ')})` : '';
      return { query: `${operation}${head} { ${field.name}${call}${selection ? ` { ${selection} }` : ''} }`, variables };
    }));
}

describe('fuzzing the GraphQL layer from the live schema', () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  let ids: string[];
  beforeAll(async () => {
    t = await TestApp.start();
    schema = buildClientSchema((await t.ok(getIntrospectionQuery())) as unknown as IntrospectionQuery);
    const s = seed(t);
    const experiment = await s.experiment();
    const run = await s.run(experiment.id);
    const model = await s.model();
    const version = await s.version(model.id);
    const dataset = await s.dataset();
    const datasetVersion = await s.datasetVersion(dataset.id);
    const deployment = await s.deployment(model.id);
    ids = [experiment.id, run.id, model.id, version.id, dataset.id, datasetVersion.id, deployment.id, unknownId('mdl'), unknownId('run'), 'xyz'];
  });
  afterAll(() => t.stop());

  it(`answers every generated document with data or a client error (seed ${SEED}, ${SECONDS} s)`, async () => {
    let documents = 0;
    const outcomes: Record<string, number> = {};
    const heapBefore = process.memoryUsage().heapUsed;
    const property = fc.asyncProperty(operationArb(schema, fc.constantFrom(...ids)), async ({ query, variables }) => {
      documents++;
      const result = await t.gql(query, variables).catch((error: Error) => ({ thrown: error.message }));
      if ('thrown' in result) throw new Error(`the request threw (${result.thrown}) for ${query}`);
      const outcome = result.errors?.length ? String(result.errors[0].extensions?.code) : 'data';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (process.env.FUZZ_SHOW === outcome) process.stdout.write(`${outcome}: ${result.errors?.[0]?.message.slice(0, 200)}\n  ${query.slice(0, 300)}\n`);
      for (const error of result.errors ?? []) {
        const code = String(error.extensions?.code);
        if (!ALLOWED_CODES.has(code)) throw new Error(`${code}: ${error.message} for ${query} with ${JSON.stringify(variables).slice(0, 300)}`);
      }
    });
    await fc.assert(property, { seed: SEED, numRuns: 1_000_000, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false, endOnFailure: true });
    const grown = process.memoryUsage().heapUsed - heapBefore;
    process.stdout.write(`fuzz: ${documents} documents in ${SECONDS} s (seed ${SEED}); heap grew ${(grown / 2 ** 20).toFixed(0)} MB; ${JSON.stringify(outcomes)}\n`);
    expect(documents).toBeGreaterThan(200);
    expect(grown).toBeLessThan(512 * 2 ** 20);
  });
});
