import { parse } from 'graphql';
import { loadConfig } from '../../src/config';
import { documentCost } from '../../src/document-cost';
import { countQueries } from '../../src/db/query-log';
import { MAX_SELECTION_WORK } from '../../src/query-limits';
import { TestApp, type GqlResult } from '../support/app';
import { seed } from '../support/seed';

/**
 * What a document may cost before it runs: at most MAX_DOCUMENT_TOKENS tokens (10,000; checked while
 * parsing → GRAPHQL_PARSE_FAILED) and at most MAX_SELECTION_WORK fields plus repeats once fragments are
 * expanded (checked before the other validation rules → GRAPHQL_VALIDATION_FAILED). Neither reaches SQL.
 */
const times = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join(' ');

async function attempt(t: TestApp, query: string, variables: Record<string, unknown> = {}) {
  const { result, statements } = await countQueries(() =>
    t.gql(query, variables).catch((error: Error): GqlResult => ({ errors: [{ message: error.message, extensions: { code: `threw: ${error.message}` } }] })));
  return { result, statements, code: result.errors?.[0]?.extensions?.code as string | undefined, message: result.errors?.[0]?.message ?? '' };
}

/** `{ nodes(ids: ["mdl_0", …]) { id } }`: 12 tokens + one per id. */
const idsDocument = (tokens: number) => `{ nodes(ids: [${times(tokens - 12, (i) => `"mdl_${i}"`)}]) { id } }`;

describe('document limits (defaults)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await seed(t).model();
  });
  afterAll(() => t.stop());

  it('10,000 tokens parse; 10,001 are GRAPHQL_PARSE_FAILED, before any SQL', async () => {
    const atLimit = await attempt(t, idsDocument(10_000));
    expect(atLimit.code).not.toBe('GRAPHQL_PARSE_FAILED');
    expect(atLimit.code).not.toBe('GRAPHQL_VALIDATION_FAILED');

    const over = await attempt(t, idsDocument(10_001));
    expect(over.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(over.message).toMatch(/more th\w+ 10000 tokens/);
    expect(over.result.data).toBeUndefined();
    expect(over.statements).toEqual([]);
  });

  it('comments do not count as tokens', async () => {
    const ok = await attempt(t, `# ${'x'.repeat(50_000)}\n${times(5_000, () => '# comment\n')}{ models(first: 1) { totalCount } }`);
    expect(ok.result).toEqual({ data: { models: { totalCount: 1 } } });
  });

  it('7,600 repeated selections: refused while parsing (over the tokens) or before the other rules (over the repeats)', async () => {
    const big = `{ models { ${times(7_600, () => 'nodes { id }')} } }`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(98_000);
    const overTokens = await attempt(t, big);
    expect(overTokens.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(overTokens.statements).toEqual([]);

    const overRepeats = await attempt(t, `{ models { ${times(7_600, () => 'totalCount')} } }`);
    expect(overRepeats.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(overRepeats.message).toMatch(/too many/);
    expect(overRepeats.result.errors).toHaveLength(2); // the reason, then graphql-js's "Validation aborted."
    expect(overRepeats.statements).toEqual([]);
  });

  it(`a field repeated at one place: up to ${MAX_SELECTION_WORK} fields plus repeats is accepted, one more is not`, async () => {
    // n copies of one field cost n fields + n(n-1)/2 pairs = n(n+1)/2.
    const most = Math.floor((Math.sqrt(8 * MAX_SELECTION_WORK + 1) - 1) / 2);
    const ok = await attempt(t, `{ models { ${times(most, () => 'totalCount')} } }`);
    expect(ok.result).toEqual({ data: { models: { totalCount: 1 } } });

    const over = await attempt(t, `{ models { ${times(most + 1, () => 'totalCount')} } }`);
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.message).toMatch(/too many/);
    expect(over.result.errors?.[0].extensions).toMatchObject({ limit: MAX_SELECTION_WORK });
    expect(over.statements).toEqual([]);
  });

  it('repeats through fragments and inline fragments count too; a fragment bomb is refused cheaply', async () => {
    const spreads = await attempt(t, `{ models { ${times(200, (i) => `...F${i}`)} } } ${times(200, (i) => `fragment F${i} on ModelConnection { totalCount }`)}`);
    expect(spreads.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const inline = await attempt(t, `{ models { ${times(200, () => '... on ModelConnection { nodes { id } }')} } }`);
    expect(inline.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const bomb = `query($id: ID!) { modelVersion(id: $id) { ...B30 } } fragment B0 on ModelVersion { id } ${times(30, (i) => `fragment B${i + 1} on ModelVersion { parent { ...B${i} } model { latestVersion { ...B${i} } } }`)}`;
    const started = Date.now();
    const refused = await attempt(t, bomb, { id: 'mv_x' });
    expect(refused.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.statements).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000); // 2^30 fields inlined: only a cut-off walk finishes
  });

  it('documentCost: fields plus pairs sharing a response path, fragments expanded, cycles skipped', () => {
    expect(documentCost(parse('{ a b c }'), 100)).toBe(3);
    expect(documentCost(parse('{ a a a }'), 100)).toBe(6);
    expect(documentCost(parse('{ a { x } a { x } }'), 100)).toBe(6);
    expect(documentCost(parse('{ ...F ...F } fragment F on Q { a }'), 100)).toBe(5);
    expect(documentCost(parse('{ ...F } fragment F on Q { a ...G } fragment G on Q { ...F b }'), 100)).toBe(4);
    expect(documentCost(parse(`{ ${'a '.repeat(1000)} }`), 50)).toBe(55);
  });
});

describe('MAX_DOCUMENT_TOKENS is configurable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ MAX_DOCUMENT_TOKENS: 11 });
  });
  afterAll(() => t.stop());

  it('applies the configured limit exactly', async () => {
    expect((await attempt(t, '{ models(first: 1) { totalCount } }')).result).toEqual({ data: { models: { totalCount: 0 } } });
    const over = await attempt(t, '{ models(first: 1) { totalCount id: totalCount } }');
    expect(over.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(over.message).toMatch(/11 tokens/);
  });

  it('is read from the environment, default 10,000, a bad value named', () => {
    expect(loadConfig({}).MAX_DOCUMENT_TOKENS).toBe(10_000);
    expect(loadConfig({ MAX_DOCUMENT_TOKENS: '500' }).MAX_DOCUMENT_TOKENS).toBe(500);
    expect(() => loadConfig({ MAX_DOCUMENT_TOKENS: '0' })).toThrow(/MAX_DOCUMENT_TOKENS/);
  });
});
