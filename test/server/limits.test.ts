import { countQueries } from '../../src/db/query-log';
import { TestApp, type GqlResult } from '../support/app';
import { seed } from '../support/seed';

/**
 * Query limits (docs/api.md "Query limits"): depth ≤ 20, aliases and root fields ≤ 100, a cost limit. A rejected
 * operation carries a code and never reaches the database (0 SQL statements).
 */

/** `modelVersion(id:) { parent { parent { … id } } }` nesting `depth` fields (modelVersion is level 1, id the last). */
function parentChain(depth: number): string {
  let inner = 'id';
  for (let i = 2; i < depth; i++) inner = `parent { ${inner} }`;
  return `query($id: ID!) { modelVersion(id: $id) { ${inner} } }`;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The first error's code, and the SQL the operation issued. */
async function attempt(t: TestApp, query: string, variables: Record<string, unknown> = {}) {
  const { result, statements } = await countQueries(() =>
    t.gql(query, variables).catch((error: Error): GqlResult => ({
      // executeOperation throws when Apollo met an unexpected error (an HTTP 500 over the wire): record it as such.
      errors: [{ message: error.message, extensions: { code: `executeOperation threw: ${error.message}` } }],
    })));
  return { result, statements, code: result.errors?.[0]?.extensions?.code as string | undefined, message: result.errors?.[0]?.message };
}

describe('query limits (defaults)', () => {
  let t: TestApp;
  let versionId: string;
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const model = await s.model();
    let parent: string | undefined;
    for (let i = 0; i < 3; i++) {
      const v = await s.version(model.id, { ...(parent ? { parentVersionId: parent } : {}), metrics: [{ key: 'auc', value: 0.9 }], tags: [{ key: 'k', value: 'v' }] });
      parent = v.id;
    }
    versionId = parent!;
  });
  afterAll(() => t.stop());

  it('the statement counter sees the SQL of an accepted query (control)', async () => {
    const ok = await attempt(t, parentChain(4), { id: versionId });
    expect(ok.result.errors).toBeUndefined();
    expect(ok.result.data).toEqual({ modelVersion: { parent: { parent: { id: expect.any(String) } } } });
    expect(ok.statements.length).toBeGreaterThan(0);
  });

  it('accepts depth 20 and rejects depth 21 and deeper with GRAPHQL_VALIDATION_FAILED, before any SQL', async () => {
    const atLimit = await attempt(t, parentChain(20), { id: versionId });
    expect(atLimit.result.errors).toBeUndefined();
    expect(atLimit.result.data?.modelVersion).toEqual(expect.objectContaining({ parent: expect.anything() }));

    for (const depth of [21, 30]) {
      const over = await attempt(t, parentChain(depth), { id: versionId });
      expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(over.message).toMatch(/depth/i);
      expect(over.result.data).toBeUndefined();
      expect(over.statements).toEqual([]);
    }
  });

  it('counts depth through fragments too', async () => {
    let inner = 'id';
    for (let i = 1; i < 25; i++) inner = `parent { ${inner} }`;
    const query = `query($id: ID!) { modelVersion(id: $id) { ...Deep } } fragment Deep on ModelVersion { ${inner} }`;
    const over = await attempt(t, query, { id: versionId });
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it('accepts 100 aliases and rejects 101, before any SQL', async () => {
    const aliases = (n: number) => `{ models(first: 1) { ${range(n).map((i) => `a${i}: totalCount`).join(' ')} } }`;
    const atLimit = await attempt(t, aliases(100));
    expect(atLimit.result.errors).toBeUndefined();
    expect(Object.keys(atLimit.result.data?.models ?? {})).toHaveLength(100);

    const over = await attempt(t, aliases(101));
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.message).toMatch(/alias/i);
    expect(over.result.data).toBeUndefined();
    expect(over.statements).toEqual([]);
  });

  it('rejects 101 aliases spread through a fragment, before any SQL', async () => {
    const query = `{ models(first: 1) { ...Many } } fragment Many on ModelConnection { ${range(101).map((i) => `a${i}: totalCount`).join(' ')} }`;
    const over = await attempt(t, query);
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it('accepts 100 root fields and rejects 101 (no aliases), before any SQL', async () => {
    const rootFields = (n: number) => `{ ${range(n).map(() => 'experiments(first: 1) { totalCount }').join(' ')} }`;
    const atLimit = await attempt(t, rootFields(100));
    expect(atLimit.result.errors).toBeUndefined();

    const over = await attempt(t, rootFields(101));
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.message).toMatch(/root field/i);
    expect(over.result.data).toBeUndefined();
    expect(over.statements).toEqual([]);
  });

  it('rejects 101 aliased root fields, before any SQL', async () => {
    const over = await attempt(t, `{ ${range(101).map((i) => `r${i}: experiments(first: 1) { totalCount }`).join(' ')} }`);
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it.each([
    ['an inline fragment', (fields: string) => `{ ... on Query { ${fields} } }`],
    ['a named fragment', (fields: string) => `{ ...Roots } fragment Roots on Query { ${fields} }`],
  ])('rejects 101 root fields selected through %s, before any SQL', async (_how, wrap) => {
    const fields = range(101).map(() => 'experiments(first: 1) { totalCount }').join(' ');
    const over = await attempt(t, wrap(fields));
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it('rejects a costly query with a code, before any SQL', async () => {
    const query = '{ models(first: 100) { nodes { versions(first: 100) { nodes { metrics { key } tags { key } } } } } }';
    const over = await attempt(t, query);
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.message).toMatch(/cost/i);
    expect(over.result.errors?.[0].extensions).toMatchObject({ limit: 50_000 });
    expect(over.result.data).toBeUndefined();
    expect(over.statements).toEqual([]);
  });

  it('computes cost from variables too (first: $n)', async () => {
    const query = 'query($n: Int!) { models(first: $n) { nodes { versions(first: $n) { nodes { metrics { key } tags { key } } } } } }';
    const over = await attempt(t, query, { n: 100 });
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it('computes cost through federation _entities too', async () => {
    const representations = range(50).map(() => ({ __typename: 'Model', id: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz' }));
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Model {
      versions(first: 100) { nodes { metrics { key } tags { key } children { nodes { metrics { key } } } } } } } }`;
    const over = await attempt(t, query, { r: representations });
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it('computes cost through nodes(ids:) too', async () => {
    const ids = range(50).map(() => 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz');
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Model {
      versions(first: 100) { nodes { metrics { key } tags { key } children { nodes { metrics { key } } } } } } } }`;
    const over = await attempt(t, query, { ids });
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it('accepts a normal nested query (one model, its versions, their lineage and metrics)', async () => {
    const query = `query($id: ID!) { modelVersion(id: $id) { id version model { name latestVersion { version }
      versions(first: 10) { totalCount pageInfo { hasNextPage } edges { cursor node { version metrics { key value } tags { key value }
        parent { version } children { nodes { version } } run { name experiment { name } } datasets { role datasetVersion { uri dataset { name } } } } } } } } }`;
    const ok = await attempt(t, query, { id: versionId });
    expect(ok.result.errors).toBeUndefined();
    expect(ok.result.data?.modelVersion.model.versions.totalCount).toBe(3);
    expect(ok.result.data?.modelVersion.model.versions.edges[0].node).toMatchObject({ metrics: [{ key: 'auc', value: 0.9 }], tags: [{ key: 'k', value: 'v' }] });
  });

  it('accepts a listing with default page sizes (models and their versions: at most 20 × 20 rows)', async () => {
    // Without any `first`, the default page size of docs/api.md (20) applies at both levels: at most 20 models and
    // 400 versions, about 1,000 fields in all. A cost limit of 50,000 should not reject it.
    const ok = await attempt(t, '{ models { nodes { id name versions { nodes { id version } } } } }');
    expect(ok.result.errors).toBeUndefined();
    expect(ok.result.data?.models.nodes).toHaveLength(1);
    expect(ok.result.data?.models.nodes[0].versions.nodes).toHaveLength(3);
  });
});

describe('query limits (configured small, through TestApp.start)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ MAX_QUERY_COST: 50, MAX_QUERY_DEPTH: 4, MAX_QUERY_ALIASES: 3 });
    await seed(t).model();
  });
  afterAll(() => t.stop());

  it('rejects by cost what the default limit accepts, and accepts a cheap query', async () => {
    const cheap = await attempt(t, '{ models(first: 2) { totalCount nodes { id name } } }');
    expect(cheap.result.errors).toBeUndefined();
    expect(cheap.result.data?.models.totalCount).toBe(1);

    const over = await attempt(t, '{ models(first: 20) { nodes { id name description createdAt } } }');
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.result.errors?.[0].extensions).toMatchObject({ limit: 50 });
    expect(over.statements).toEqual([]);
  });

  it('applies the configured depth', async () => {
    const ok = await attempt(t, '{ models(first: 1) { nodes { latestVersion { id } } } }');
    expect(ok.result.errors).toBeUndefined();
    const over = await attempt(t, '{ models(first: 1) { nodes { latestVersion { model { id } } } } }');
    expect(over.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(over.statements).toEqual([]);
  });

  it.each([
    ['models', (a: string) => `{ models${a ? `(${a})` : ''} { nodes { id name description } } }`, 81],
    ['Run.metricHistory', (a: string) => `{ run(id: "run_x") { metricHistory(key: "loss"${a ? `, ${a}` : ''}) { nodes { key value step } } } }`, 82],
    ['Run.producedVersions', (a: string) => `{ run(id: "run_x") { producedVersions${a ? `(${a})` : ''} { nodes { id version sequence } } } }`, 82],
    ['ModelVersion.children', (a: string) => `{ modelVersion(id: "mv_x") { children${a ? `(${a})` : ''} { nodes { id version sequence } } } }`, 82],
    ['DatasetVersion.usedBy', (a: string) => `{ datasetVersion(id: "dsv_x") { usedBy(role: TRAINING${a ? `, ${a}` : ''}) { nodes { id version sequence } } } }`, 82],
    ['DatasetVersion.consumedBy', (a: string) => `{ datasetVersion(id: "dsv_x") { consumedBy${a ? `(${a})` : ''} { nodes { id name status } } } }`, 82],
    ['DatasetVersion.derivatives', (a: string) => `{ datasetVersion(id: "dsv_x") { derivatives${a ? `(${a})` : ''} { nodes { id version uri } } } }`, 82],
  ])('%s costs its page size: last as first, 20 with neither', async (_name, query, cost) => {
    for (const args of ['first: 20', 'last: 20', '']) {
      const over = await attempt(t, query(args));
      expect({ args, code: over.code, cost: over.result.errors?.[0].extensions?.cost }).toEqual({ args, code: 'GRAPHQL_VALIDATION_FAILED', cost });
      expect(over.statements).toEqual([]);
    }
    const big = await Promise.all(['first: 100', 'last: 100'].map(async (args) => (await attempt(t, query(args))).result.errors?.[0].extensions?.cost));
    expect(big).toEqual([cost + 80 * 4, cost + 80 * 4]);
    for (const args of ['first: 5', 'last: 5']) {
      const ok = await attempt(t, query(args));
      expect(ok.result.errors).toBeUndefined();
    }
  });

  it.each(['upstream', 'downstream'])('the one-hop %s list costs its first, not a fixed 3', async (field) => {
    // 1 (root) + 1 + first × 1 (the id): with MAX_QUERY_COST 50, first: 10 fits and the default (100) does not.
    const query = (args: string) => `{ modelVersion(id: "mv_x") { ${field}${args} { ... on ModelVersion { id } } } }`;
    const small = await attempt(t, query('(first: 10)'));
    expect(small.result.errors).toBeUndefined();
    for (const args of ['', '(first: 1000)']) {
      const over = await attempt(t, query(args));
      expect({ args, code: over.code, cost: over.result.errors?.[0].extensions?.cost })
        .toEqual({ args, code: 'GRAPHQL_VALIDATION_FAILED', cost: args ? 1002 : 102 });
      expect(over.statements).toEqual([]);
    }
  });

  it('applies the configured alias and root-field limit', async () => {
    const ok = await attempt(t, '{ a: models(first: 1) { totalCount } b: models(first: 1) { totalCount } c: models(first: 1) { totalCount } }');
    expect(ok.result.errors).toBeUndefined();
    const aliases = await attempt(t, '{ models(first: 1) { a: totalCount b: totalCount c: totalCount d: totalCount } }');
    expect(aliases.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(aliases.statements).toEqual([]);
    const roots = await attempt(t, '{ models(first: 1) { totalCount } experiments(first: 1) { totalCount } datasets(first: 1) { totalCount } deployments(first: 1) { totalCount } }');
    expect(roots.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(roots.statements).toEqual([]);
  });
});
