import { TestApp } from '../support/app';
import { DIGEST } from '../support/seed';
import { expectError, expectNoLeaks } from '../errors/helpers';

interface Tag { key: string; value: string }
interface Item { id: string; name: string; createdAt: string; tags: Tag[] }
interface Page { edges: { cursor: string; node: { id: string; name?: string } }[]; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number }

/** What `t.ok` returns by default (GraphQL data is untyped here). */
 
type Data = Record<string, any>;
interface ChildPage {
  name: string;
  runs: Page;
  versions: { edges: { node: { sequence: number } }[]; pageInfo: { hasNextPage: boolean }; totalCount: number };
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const garbageCursors = ['xyz', '', '!!!', Buffer.from('hello').toString('base64'), Buffer.from('{"a":1}').toString('base64url'),
  Buffer.from('[1]').toString('base64url'), Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('[{"x":1},"id"]').toString('base64url'),
  Buffer.from('[true,"mdl_x"]').toString('base64url'), Buffer.from('null').toString('base64url')];

const MODEL_NAMES = [
  'alpha', 'Alpha', 'ALPHA', 'beta', 'Beta', 'a', 'a ', 'A', 'b_1', 'b%2', 'bx1', 'bx2', 'zeta', 'Zeta', 'éclair', 'Éclair', 'eclair',
  '0-start', '9-end', '_under', '~tilde', 'Z', 'z', 'mid-alpha-x', 'mid-Alpha-y',
  ...Array.from({ length: 13 }, (_, i) => `m-${String(i).padStart(2, '0')}`),
  'batch-A', 'batch-B', 'batch-C',
];
const EXPERIMENT_NAMES = [...Array.from({ length: 21 }, (_, i) => (i % 4 === 0 ? `Exp-${i}` : `exp-${i}`)), 'runs-many', 'runs-few', 'runs-none'];
const DATASET_NAMES = [...Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? `DS_${i}` : `ds_${i}`)), 'dsv-many', 'dsv-one', 'dsv-none'];
const DEPLOYMENT_NAMES = Array.from({ length: 21 }, (_, i) => (i % 4 === 0 ? `Dep-${i}` : `dep-${i}`));

/** A deterministic tag per index: exact {team: vision} on some, look-alikes (Team, Vision) on others. */
const tagOf = (i: number): Tag[] => [{ key: i % 3 === 2 ? 'Team' : 'team', value: i % 7 === 0 ? 'Vision' : i % 3 === 1 ? 'nlp' : 'vision' }];
const hasTag = (item: { tags: Tag[] }, tag: Tag) => item.tags.some((x) => x.key === tag.key && x.value === tag.value);

describe('connections: paging, ordering, filters', () => {
  let t: TestApp;
  const models: Item[] = [];
  const experiments: Item[] = [];
  const datasets: Item[] = [];
  const deployments: (Item & { modelId: string; environment: string })[] = [];
  const modelId: Record<string, string> = {};
  const versionsA: { id: string; sequence: number; createdAt: string; tags: Tag[] }[] = [];
  const runsMany: { id: string; status: string }[] = [];

  const create = async (mutation: string, inputType: string, input: Record<string, unknown>, extra = '') => {
    const d = await t.ok(`mutation($i: ${inputType}!) { r: ${mutation}(input: $i) { id createdAt ${extra} } }`, { i: input });
    return d.r;
  };

  beforeAll(async () => {
    t = await TestApp.start();
    for (const [i, name] of MODEL_NAMES.entries()) {
      const r = await create('registerModel', 'RegisterModelInput', { name, tags: tagOf(i) });
      models.push({ id: r.id, name, createdAt: r.createdAt, tags: tagOf(i) });
      modelId[name] = r.id;
    }
    for (let s = 1; s <= 25; s++) {
      const tags = s % 2 === 0 ? [{ key: 'kind', value: 'nightly' }] : [{ key: 'kind', value: 'release' }];
      const r = await create('createModelVersion', 'CreateModelVersionInput', { modelId: modelId['batch-A'], artifactUri: `s3://a/${s}`, tags }, 'sequence');
      versionsA.push({ id: r.id, sequence: r.sequence, createdAt: r.createdAt, tags });
    }
    for (let s = 1; s <= 3; s++) await create('createModelVersion', 'CreateModelVersionInput', { modelId: modelId['batch-B'], artifactUri: `s3://b/${s}` });

    for (const [i, name] of EXPERIMENT_NAMES.entries()) {
      const r = await create('createExperiment', 'CreateExperimentInput', { name, tags: tagOf(i) });
      experiments.push({ id: r.id, name, createdAt: r.createdAt, tags: tagOf(i) });
    }
    const expId = (name: string) => experiments.find((e) => e.name === name)!.id;
    for (let i = 0; i < 23; i++) {
      const r = await create('startRun', 'StartRunInput', { experimentId: expId('runs-many'), name: `run-${i}` });
      let status = 'RUNNING';
      if (i % 3 === 0) {
        status = i % 2 === 0 ? 'FINISHED' : 'FAILED';
        await t.ok('mutation($r: ID!, $s: RunStatus!) { finishRun(runId: $r, status: $s) { id } }', { r: r.id, s: status });
      }
      runsMany.push({ id: r.id, status });
    }
    for (let i = 0; i < 2; i++) await create('startRun', 'StartRunInput', { experimentId: expId('runs-few') });

    for (const [i, name] of DATASET_NAMES.entries()) {
      const r = await create('createDataset', 'CreateDatasetInput', { name, tags: tagOf(i) });
      datasets.push({ id: r.id, name, createdAt: r.createdAt, tags: tagOf(i) });
    }
    const dsId = (name: string) => datasets.find((d) => d.name === name)!.id;
    for (let i = 0; i < 21; i++) await create('createDatasetVersion', 'CreateDatasetVersionInput', { datasetId: dsId('dsv-many'), uri: `s3://d/${i}`, digest: DIGEST });
    await create('createDatasetVersion', 'CreateDatasetVersionInput', { datasetId: dsId('dsv-one'), uri: 's3://d/one', digest: DIGEST });

    for (const [i, name] of DEPLOYMENT_NAMES.entries()) {
      const model = i < 17 ? 'batch-A' : 'batch-B';
      const environment = i >= 12 && i < 17 ? 'staging' : 'production';
      const r = await create('createDeployment', 'CreateDeploymentInput', { name, modelId: modelId[model], environment, tags: tagOf(i) });
      deployments.push({ id: r.id, name, createdAt: r.createdAt, tags: tagOf(i), modelId: modelId[model], environment });
    }
  });
  afterAll(() => t.stop());

  // ---------------------------------------------------------------------------------------------
  // Root connections
  // ---------------------------------------------------------------------------------------------

  const ROOTS = [
    { field: 'models', filterType: 'ModelFilter', items: () => models as Item[] },
    { field: 'experiments', filterType: 'ExperimentFilter', items: () => experiments },
    { field: 'datasets', filterType: 'DatasetFilter', items: () => datasets },
    { field: 'deployments', filterType: 'DeploymentFilter', items: () => deployments },
  ];

  const rootQuery = (field: string, filterType: string) => `query($first: Int, $after: String, $filter: ${filterType}, $orderBy: NamedOrder) {
    c: ${field}(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { id name createdAt } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } }`;

  /** Checks the shape of one page: nodes = edges' nodes, at most `first`, a full page when there is a next one. */
  const checkPage = (page: Page, first: number) => {
    expect(page.nodes.map((n) => n.id)).toEqual(page.edges.map((e) => e.node.id));
    expect(page.edges.length).toBeLessThanOrEqual(first);
    if (page.pageInfo.hasNextPage) expect(page.edges).toHaveLength(first);
    if (page.edges.length) expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1].cursor);
  };

  /** Follows endCursor to the end; returns every id in the order served, and every page's totalCount. */
  const walk = async (load: (after: string | null) => Promise<Page>, first: number) => {
    const ids: string[] = [];
    const totals: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const page = await load(after);
      checkPage(page, first);
      ids.push(...page.edges.map((e) => e.node.id));
      totals.push(page.totalCount);
      if (!page.pageInfo.hasNextPage) return { ids, totals, pages: pages + 1 };
      after = page.pageInfo.endCursor;
    }
    throw new Error('more than 200 pages');
  };

  const walkRoot = (field: string, filterType: string, first: number, vars: Record<string, unknown> = {}) =>
    walk(async (after) => (await t.ok(rootQuery(field, filterType), { first, after, ...vars })).c as Page, first);

  /** Every expected id once, in this order, with a constant totalCount equal to the number of ids. */
  const expectWalk = (result: { ids: string[]; totals: number[] }, expected: string[]) => {
    expect(result.ids).toEqual(expected);
    expect(new Set(result.ids).size).toBe(result.ids.length);
    expect(new Set(result.totals)).toEqual(new Set([expected.length]));
  };

  const newestFirst = (items: { id: string }[]) => [...items].reverse().map((i) => i.id);

  describe.each(ROOTS)('$field', ({ field, filterType, items }) => {
    it('ids sort in creation order (the default order is newest first)', () => {
      const ids = items().map((i) => i.id);
      expect([...ids].sort()).toEqual(ids);
    });

    it('the default page is 20, newest first, with a next page and the full totalCount', async () => {
      const d = await t.ok(`{ c: ${field} { edges { node { id } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } }`);
      expect(items().length).toBeGreaterThan(20);
      expect(d.c.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(newestFirst(items()).slice(0, 20));
      expect(d.c.pageInfo.hasNextPage).toBe(true);
      expect(d.c.totalCount).toBe(items().length);
      const nullFirst = await t.ok(rootQuery(field, filterType), { first: null });
      expect(nullFirst.c.edges).toHaveLength(20);
    });

    it('first: 0 → no edges, no endCursor, hasNextPage true when items exist, false when none match', async () => {
      const d = await t.ok(rootQuery(field, filterType), { first: 0 });
      expect(d.c).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: true, endCursor: null }, totalCount: items().length });
      const none = await t.ok(rootQuery(field, filterType), { first: 0, filter: { nameContains: 'no-such-name' } });
      expect(none.c).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
    });

    it('first: 0 after the last item → hasNextPage false', async () => {
      const all = await t.ok(rootQuery(field, filterType), { first: 100 });
      const last = all.c.pageInfo.endCursor;
      const next = await t.ok(rootQuery(field, filterType), { first: 5, after: last });
      expect(next.c).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: items().length });
      const d = await t.ok(rootQuery(field, filterType), { first: 0, after: last });
      expect(d.c).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: items().length });
    });

    it('first: 100 is served; first: 101, -1 or -100 → BAD_USER_INPUT on first', async () => {
      const d = await t.ok(rootQuery(field, filterType), { first: 100 });
      expect(d.c.edges).toHaveLength(items().length);
      expect(d.c.pageInfo.hasNextPage).toBe(false);
      for (const first of [101, -1, -100, 1000]) {
        await expectError(t, rootQuery(field, filterType), { first }, { code: 'BAD_USER_INPUT', field: 'first' });
      }
    });

    it.each(garbageCursors.map((after) => ({ after })))('after: "$after" → BAD_USER_INPUT on after', async ({ after }) => {
      await expectError(t, rootQuery(field, filterType), { first: 5, after }, { code: 'BAD_USER_INPUT', field: 'after' });
    });

    it.each([1, 7, 20])('walking pages of %i returns every item exactly once, newest first', async (first) => {
      expectWalk(await walkRoot(field, filterType, first), newestFirst(items()));
    });

    it('orderBy CREATED_AT ASC walks oldest first', async () => {
      expectWalk(await walkRoot(field, filterType, 6, { orderBy: { field: 'CREATED_AT', direction: 'ASC' } }), items().map((i) => i.id));
    });

    it('orderBy NAME ASC / DESC: byte order (uppercase before lowercase, "a" before "a "), across page boundaries', async () => {
      const asc = [...items()].sort((x, y) => byteOrder(x.name, y.name));
      expectWalk(await walkRoot(field, filterType, 4, { orderBy: { field: 'NAME', direction: 'ASC' } }), asc.map((i) => i.id));
      expectWalk(await walkRoot(field, filterType, 5, { orderBy: { field: 'NAME', direction: 'DESC' } }), [...asc].reverse().map((i) => i.id));
      const firstPage = await t.ok(rootQuery(field, filterType), { first: 3, orderBy: { field: 'NAME' } });
      expect(firstPage.c.edges.map((e: { node: { name: string } }) => e.node.name))
        .toEqual([...items()].sort((x, y) => byteOrder(y.name, x.name)).slice(0, 3).map((i) => i.name));
    });

    it('filter tag {team: vision} matches key and value exactly; totalCount follows the filter', async () => {
      const tag = { key: 'team', value: 'vision' };
      const expected = items().filter((i) => hasTag(i, tag));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(items().length - 2);
      expectWalk(await walkRoot(field, filterType, 3, { filter: { tag } }), newestFirst(expected));
      for (const other of [{ key: 'Team', value: 'vision' }, { key: 'team', value: 'Vision' }, { key: 'team', value: 'nlp' }]) {
        expectWalk(await walkRoot(field, filterType, 10, { filter: { tag: other } }), newestFirst(items().filter((i) => hasTag(i, other))));
      }
      expectWalk(await walkRoot(field, filterType, 10, { filter: { tag: { key: 'team', value: 'visio' } } }), []);
    });

    it('createdAfter / createdBefore, with timestamps read back from the objects', async () => {
      const read = (await t.ok(`{ c: ${field}(first: 100) { nodes { id createdAt } } }`)).c.nodes as { id: string; createdAt: string }[];
      const readAt = new Map(read.map((n) => [n.id, n.createdAt]));
      for (const item of items()) expect(readAt.get(item.id)).toBe(item.createdAt);
      const times = items().map((i) => Date.parse(i.createdAt));
      const lo = items()[Math.floor(items().length / 3)].createdAt;
      const hi = items()[Math.floor((2 * items().length) / 3)].createdAt;
      const check = async (filter: Record<string, string>, inRange: (ms: number) => 'in' | 'out' | 'either') => {
        const result = await walkRoot(field, filterType, 7, { filter });
        const got = new Set(result.ids);
        items().forEach((item, k) => {
          const verdict = inRange(times[k]);
          if (verdict === 'in') expect({ item: item.name, included: got.has(item.id) }).toEqual({ item: item.name, included: true });
          if (verdict === 'out') expect({ item: item.name, included: got.has(item.id) }).toEqual({ item: item.name, included: false });
        });
        expect(result.ids).toEqual(newestFirst(items().filter((i) => got.has(i.id))));
        expect(new Set(result.totals)).toEqual(new Set([result.ids.length]));
        return result.ids.length;
      };
      const [l, h] = [Date.parse(lo), Date.parse(hi)];
      expect(times.filter((x) => x < l).length).toBeGreaterThan(0);
      expect(times.filter((x) => x > h).length).toBeGreaterThan(0);
      expect(await check({ createdAfter: lo }, (x) => (x > l ? 'in' : x < l ? 'out' : 'either'))).toBeGreaterThan(0);
      expect(await check({ createdBefore: hi }, (x) => (x < h ? 'in' : x > h ? 'out' : 'either'))).toBeGreaterThan(0);
      await check({ createdAfter: lo, createdBefore: hi }, (x) => (x > l && x < h ? 'in' : x < l || x > h ? 'out' : 'either'));
      // a window before everything and one after everything
      const first = new Date(Math.min(...times) - 60_000).toISOString();
      const later = new Date(Math.max(...times) + 60_000).toISOString();
      expectWalk(await walkRoot(field, filterType, 50, { filter: { createdBefore: first } }), []);
      expectWalk(await walkRoot(field, filterType, 50, { filter: { createdAfter: later } }), []);
      expectWalk(await walkRoot(field, filterType, 50, { filter: { createdAfter: first, createdBefore: later } }), newestFirst(items()));
    });

    it('filters combine with orderBy NAME and with paging', async () => {
      const tag = { key: 'team', value: 'nlp' };
      const expected = items().filter((i) => hasTag(i, tag)).sort((x, y) => byteOrder(x.name, y.name));
      expectWalk(await walkRoot(field, filterType, 2, { filter: { tag }, orderBy: { field: 'NAME', direction: 'ASC' } }), expected.map((i) => i.id));
    });
  });

  describe('filter and order arguments are validated like inputs', () => {
    it.each([
      ['models', 'ModelFilter', { nameContains: 'x'.repeat(201) }, 'filter.nameContains'],
      ['experiments', 'ExperimentFilter', { tag: { key: '', value: 'v' } }, 'filter.tag.key'],
      ['datasets', 'DatasetFilter', { tag: { key: 'k'.repeat(101), value: 'v' } }, 'filter.tag.key'],
      ['deployments', 'DeploymentFilter', { tag: { key: 'team', value: 'v'.repeat(1001) } }, 'filter.tag.value'],
      ['deployments', 'DeploymentFilter', { environment: 'e'.repeat(101) }, 'filter.environment'],
    ])('%s filter %j → BAD_USER_INPUT on %s', async (field, filterType, filter, errorField) => {
      await expectError(t, rootQuery(field as string, filterType as string), { first: 5, filter }, { code: 'BAD_USER_INPUT', field: errorField as string });
    });

    it('model.versions filter tag with an empty key → BAD_USER_INPUT on filter.tag.key', async () => {
      await expectError(t, VERSIONS, { name: 'batch-A', first: 5, filter: { tag: { key: '', value: 'x' } } }, { code: 'BAD_USER_INPUT', field: 'filter.tag.key' });
    });
  });

  describe('nameContains: a case-sensitive substring, no wildcards', () => {
    it.each(['lpha', 'Alpha', 'ALPHA', 'a', 'A', 'a ', '_', '%', 'é', 'É', 'b_', 'b%', 'x1', 'batch-'])('models nameContains "%s"', async (sub) => {
      const expected = models.filter((m) => m.name.includes(sub));
      expect(expected.length).toBeGreaterThan(0);
      expectWalk(await walkRoot('models', 'ModelFilter', 4, { filter: { nameContains: sub } }), newestFirst(expected));
    });

    it.each([['experiments', 'ExperimentFilter', 'Exp-'], ['datasets', 'DatasetFilter', 'DS_'], ['deployments', 'DeploymentFilter', 'Dep-']])(
      '%s nameContains "%s" does not match the lowercase names', async (field, filterType, sub) => {
        const all = ROOTS.find((r) => r.field === field)!.items();
        const expected = all.filter((i) => i.name.includes(sub));
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(all.filter((i) => i.name.toLowerCase().includes(sub.toLowerCase())).length);
        expectWalk(await walkRoot(field, filterType, 3, { filter: { nameContains: sub } }), newestFirst(expected));
      });
  });

  describe('deployments filter: modelId, environment', () => {
    it.each([
      ['modelId of batch-A', () => ({ modelId: modelId['batch-A'] }), (d: (typeof deployments)[number]) => d.modelId === modelId['batch-A']],
      ['modelId of batch-B', () => ({ modelId: modelId['batch-B'] }), (d: (typeof deployments)[number]) => d.modelId === modelId['batch-B']],
      ['environment staging', () => ({ environment: 'staging' }), (d: (typeof deployments)[number]) => d.environment === 'staging'],
      ['environment production', () => ({ environment: 'production' }), (d: (typeof deployments)[number]) => d.environment === 'production'],
      ['batch-A in production', () => ({ modelId: modelId['batch-A'], environment: 'production' }),
        (d: (typeof deployments)[number]) => d.modelId === modelId['batch-A'] && d.environment === 'production'],
      ['batch-B in staging (none)', () => ({ modelId: modelId['batch-B'], environment: 'staging' }), () => false],
      ['environment Production (case differs: none)', () => ({ environment: 'Production' }), () => false],
      ['a model without deployments', () => ({ modelId: modelId.alpha }), () => false],
      ['a malformed modelId', () => ({ modelId: 'xyz' }), () => false],
    ])('%s', async (_label, filter, keep) => {
      const expected = deployments.filter(keep);
      expectWalk(await walkRoot('deployments', 'DeploymentFilter', 4, { filter: filter() }), newestFirst(expected));
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Child connections
  // ---------------------------------------------------------------------------------------------

  const VERSIONS = `query($name: String, $first: Int, $after: String, $filter: ModelVersionFilter, $orderBy: ModelVersionOrder) {
    model(name: $name) { versions(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { id sequence } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } } }`;
  const RUNS = `query($name: String, $first: Int, $after: String, $filter: RunFilter) {
    experiment(name: $name) { runs(first: $first, after: $after, filter: $filter) {
      edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } } }`;
  const DSVS = `query($name: String, $first: Int, $after: String) {
    dataset(name: $name) { versions(first: $first, after: $after) {
      edges { cursor node { id sequence } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } } }`;

  const versions = async (vars: Record<string, unknown>) => (await t.ok(VERSIONS, { name: 'batch-A', ...vars })).model.versions as Page;
  const walkVersions = (first: number, vars: Record<string, unknown> = {}) => walk((after) => versions({ first, after, ...vars }), first);
  const seqOf = (page: Page) => page.edges.map((e) => (e.node as unknown as { sequence: number }).sequence);
  const range = (from: number, to: number) => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => (from <= to ? from + i : from - i));

  const CHILDREN = [
    { label: 'model.versions', query: VERSIONS, name: 'batch-A', pick: (d: Data) => d.model.versions, size: 25 },
    { label: 'experiment.runs', query: RUNS, name: 'runs-many', pick: (d: Data) => d.experiment.runs, size: 23 },
    { label: 'dataset.versions', query: DSVS, name: 'dsv-many', pick: (d: Data) => d.dataset.versions, size: 21 },
  ];

  describe.each(CHILDREN)('$label: page arguments', ({ query, name, pick, size }) => {
    it('the default page is 20 with a next page and the full totalCount', async () => {
      const page = pick(await t.ok(query, { name })) as Page;
      expect(page.edges).toHaveLength(20);
      expect(page.pageInfo.hasNextPage).toBe(true);
      expect(page.totalCount).toBe(size);
      checkPage(page, 20);
    });

    it('first: 0 → no edges, hasNextPage true (there are items), totalCount unchanged', async () => {
      const page = pick(await t.ok(query, { name, first: 0 })) as Page;
      expect(page).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: true, endCursor: null }, totalCount: size });
    });

    it('first: 101, -1 → BAD_USER_INPUT on first; garbage after → BAD_USER_INPUT on after', async () => {
      for (const first of [101, -1]) await expectError(t, query, { name, first }, { code: 'BAD_USER_INPUT', field: 'first' });
      for (const after of garbageCursors) await expectError(t, query, { name, first: 5, after }, { code: 'BAD_USER_INPUT', field: 'after' });
    });

    it.each([1, 4, 10])('walking pages of %i returns every child once, newest first', async (first) => {
      const all = pick(await t.ok(query, { name, first: 100 })) as Page;
      const ids = all.edges.map((e) => e.node.id);
      expect(ids).toHaveLength(size);
      expect(ids).toEqual([...ids].sort().reverse());
      expectWalk(await walk(async (after) => pick(await t.ok(query, { name, first, after })), first), ids);
    });
  });

  describe('model.versions: order and filters', () => {
    it('newest first by sequence (25 … 1); orderBy SEQUENCE ASC gives 1 … 25 across pages', async () => {
      const desc = await walkVersions(10);
      expectWalk(desc, [...versionsA].reverse().map((v) => v.id));
      const asc = await walkVersions(7, { orderBy: { field: 'SEQUENCE', direction: 'ASC' } });
      expectWalk(asc, versionsA.map((v) => v.id));
      expect(seqOf(await versions({ first: 3, orderBy: { field: 'CREATED_AT', direction: 'ASC' } }))).toEqual([1, 2, 3]);
    });

    it('filter stage NONE → every version; stage PRODUCTION / STAGING / ARCHIVED → none', async () => {
      expectWalk(await walkVersions(9, { filter: { stage: 'NONE' } }), [...versionsA].reverse().map((v) => v.id));
      for (const stage of ['PRODUCTION', 'STAGING', 'ARCHIVED']) {
        const page = await versions({ first: 10, filter: { stage } });
        expect(page).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
      }
    });

    it('filter tag {kind: nightly} → the even sequences; totalCount follows the filter', async () => {
      const expected = versionsA.filter((v) => hasTag(v, { key: 'kind', value: 'nightly' }));
      expectWalk(await walkVersions(5, { filter: { tag: { key: 'kind', value: 'nightly' } } }), [...expected].reverse().map((v) => v.id));
      const page = await versions({ first: 3, filter: { tag: { key: 'kind', value: 'nightly' } } });
      expect(seqOf(page)).toEqual([24, 22, 20]);
      expect(page.totalCount).toBe(12);
      expect((await versions({ first: 3, filter: { tag: { key: 'Kind', value: 'nightly' } } })).totalCount).toBe(0);
    });

    it('filter createdAfter / createdBefore with timestamps read back from the versions', async () => {
      const lo = versionsA[7].createdAt;
      const hi = versionsA[17].createdAt;
      const [l, h] = [Date.parse(lo), Date.parse(hi)];
      const result = await walkVersions(4, { filter: { createdAfter: lo, createdBefore: hi } });
      const got = new Set(result.ids);
      for (const v of versionsA) {
        const at = Date.parse(v.createdAt);
        if (at > l && at < h) expect({ seq: v.sequence, in: got.has(v.id) }).toEqual({ seq: v.sequence, in: true });
        if (at < l || at > h) expect({ seq: v.sequence, in: got.has(v.id) }).toEqual({ seq: v.sequence, in: false });
      }
      expect(result.ids.length).toBeGreaterThan(0);
      expect(new Set(result.totals)).toEqual(new Set([result.ids.length]));
      expect(result.ids).toEqual([...versionsA].reverse().filter((v) => got.has(v.id)).map((v) => v.id));
    });
  });

  describe('experiment.runs: filter by status', () => {
    it.each(['RUNNING', 'FINISHED', 'FAILED', 'KILLED'])('status %s', async (status) => {
      const expected = runsMany.filter((r) => r.status === status).reverse().map((r) => r.id);
      const result = await walk(async (after) => (await t.ok(RUNS, { name: 'runs-many', first: 3, after, filter: { status } })).experiment.runs, 3);
      expectWalk(result, expected);
    });
  });

  describe('child connections batched across parents', () => {
    const BATCH = `query($first: Int, $after: String) { models(filter: { nameContains: "batch-" }, orderBy: { field: NAME, direction: ASC }) {
      nodes { name versions(first: $first, after: $after) { edges { cursor node { id sequence } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } } } }`;

    it('models with 25, 3 and 0 versions in one request each get their own page', async () => {
      const d = await t.ok(BATCH, { first: 10 });
      const [a, b, c] = d.models.nodes;
      expect([a.name, b.name, c.name]).toEqual(['batch-A', 'batch-B', 'batch-C']);
      expect(seqOf(a.versions)).toEqual(range(25, 16));
      expect(a.versions).toMatchObject({ pageInfo: { hasNextPage: true }, totalCount: 25 });
      expect(seqOf(b.versions)).toEqual([3, 2, 1]);
      expect(b.versions).toMatchObject({ pageInfo: { hasNextPage: false }, totalCount: 3 });
      expect(c.versions).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
      for (const m of [a, b, c]) checkPage(m.versions, 10);

      // the second and third pages of batch-A, from its endCursor
      const second = await versions({ first: 10, after: a.versions.pageInfo.endCursor });
      expect(seqOf(second)).toEqual(range(15, 6));
      expect(second).toMatchObject({ pageInfo: { hasNextPage: true }, totalCount: 25 });
      const third = await versions({ first: 10, after: second.pageInfo.endCursor });
      expect(seqOf(third)).toEqual(range(5, 1));
      expect(third.pageInfo.hasNextPage).toBe(false);
    });

    it('one request mixing a second page for one model and first pages for others', async () => {
      const firstPage = await versions({ first: 10 });
      const d = await t.ok(`query($after: String) {
        a: model(name: "batch-A") { versions(first: 10, after: $after) { edges { node { sequence } } pageInfo { hasNextPage } totalCount } }
        a1: model(name: "batch-A") { versions(first: 10) { edges { node { sequence } } pageInfo { hasNextPage } totalCount } }
        b: model(name: "batch-B") { versions(first: 10) { edges { node { sequence } } pageInfo { hasNextPage } totalCount } }
        c: model(name: "batch-C") { versions(first: 2) { edges { node { sequence } } pageInfo { hasNextPage } totalCount } }
      }`, { after: firstPage.pageInfo.endCursor });
      const seqs = (k: string) => d[k].versions.edges.map((e: { node: { sequence: number } }) => e.node.sequence);
      expect(seqs('a')).toEqual(range(15, 6));
      expect(seqs('a1')).toEqual(range(25, 16));
      expect(seqs('b')).toEqual([3, 2, 1]);
      expect(seqs('c')).toEqual([]);
      expect([d.a.versions.totalCount, d.a1.versions.totalCount, d.b.versions.totalCount, d.c.versions.totalCount]).toEqual([25, 25, 3, 0]);
      expect([d.a.versions.pageInfo.hasNextPage, d.a1.versions.pageInfo.hasNextPage, d.b.versions.pageInfo.hasNextPage, d.c.versions.pageInfo.hasNextPage])
        .toEqual([true, true, false, false]);
    });

    it('first: 0 across the batch: hasNextPage true only where the parent has children', async () => {
      const d = await t.ok(BATCH, { first: 0 });
      expect(d.models.nodes.map((m: { name: string; versions: Page }) => [m.name, m.versions.edges.length, m.versions.pageInfo.hasNextPage, m.versions.totalCount]))
        .toEqual([['batch-A', 0, true, 25], ['batch-B', 0, true, 3], ['batch-C', 0, false, 0]]);
    });

    it('bad page arguments on a batched child list → BAD_USER_INPUT naming the argument, no driver text', async () => {
      const r = await t.gql(BATCH, { first: 101 });
      expect(r.errors!.length).toBeGreaterThan(0);
      for (const e of r.errors!) expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expectNoLeaks(r.errors!);
      const g = await t.gql(BATCH, { first: 5, after: 'garbage' });
      expect(g.errors!.length).toBeGreaterThan(0);
      for (const e of g.errors!) expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expectNoLeaks(g.errors!);
    });

    it('the number of SQL statements does not grow with the number of parents', async () => {
      const q = (sub: string) => `{ models(filter: { nameContains: "${sub}" }) { nodes { name
        versions(first: 5) { nodes { id } totalCount pageInfo { hasNextPage } } } } }`;
      const one = await t.statements(q('batch-A'));
      const three = await t.statements(q('batch-'));
      expect(one.result.errors).toBeUndefined();
      expect(three.result.errors).toBeUndefined();
      expect((three.result.data as Data).models.nodes).toHaveLength(3);
      expect(three.statements.length).toBe(one.statements.length);
    });

    it('experiments with 23, 2 and 0 runs, and datasets with 21, 1 and 0 versions, in one request', async () => {
      const d = await t.ok(`{
        experiments(filter: { nameContains: "runs-" }, orderBy: { field: NAME, direction: ASC }) {
          nodes { name runs(first: 5) { nodes { id } pageInfo { hasNextPage } totalCount } } }
        datasets(filter: { nameContains: "dsv-" }, orderBy: { field: NAME, direction: ASC }) {
          nodes { name versions(first: 5) { nodes { id } edges { node { sequence } } pageInfo { hasNextPage } totalCount } } }
      }`);
      const runs = d.experiments.nodes.map((e: ChildPage) => [e.name, e.runs.nodes.length, e.runs.pageInfo.hasNextPage, e.runs.totalCount]);
      expect(runs).toEqual([['runs-few', 2, false, 2], ['runs-many', 5, true, 23], ['runs-none', 0, false, 0]]);
      const many = d.experiments.nodes[1].runs.nodes.map((n: { id: string }) => n.id);
      expect(many).toEqual([...runsMany].reverse().slice(0, 5).map((r) => r.id));
      const dsvs = d.datasets.nodes.map((x: ChildPage) => [x.name, x.versions.edges.map((e) => e.node.sequence), x.versions.pageInfo.hasNextPage, x.versions.totalCount]);
      expect(dsvs).toEqual([['dsv-many', [21, 20, 19, 18, 17], true, 21], ['dsv-none', [], false, 0], ['dsv-one', [1], false, 1]]);
    });
  });
  // ---------------------------------------------------------------------------------------------
  // Backward paging (last/before) and both sides of pageInfo
  // ---------------------------------------------------------------------------------------------

  describe('backward paging: last/before, hasPreviousPage, startCursor', () => {
    interface BackPage {
      edges: { cursor: string; node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
      totalCount: number;
    }
    const PAGE = 'edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount';
    const ARGS = 'first: $first, after: $after, last: $last, before: $before';
    const VARS = '$first: Int, $after: String, $last: Int, $before: String';
    const rootQ = (field: string, filterType: string) =>
      `query(${VARS}, $filter: ${filterType}, $orderBy: NamedOrder) { c: ${field}(${ARGS}, filter: $filter, orderBy: $orderBy) { ${PAGE} } }`;
    const versionsQ = `query(${VARS}, $orderBy: ModelVersionOrder) { model(name: "batch-A") { c: versions(${ARGS}, orderBy: $orderBy) { ${PAGE} } } }`;
    const runsQ = `query(${VARS}, $filter: RunFilter) { experiment(name: "runs-many") { c: runs(${ARGS}, filter: $filter) { ${PAGE} } } }`;

    const checkBackPage = (page: BackPage, size: number) => {
      expect(page.edges.length).toBeLessThanOrEqual(size);
      if (page.pageInfo.hasPreviousPage) expect(page.edges).toHaveLength(size);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
    };
    /** Follows startCursor back to the start; returns the ids in list order. */
    const walkBack = async (load: (before: string | null) => Promise<BackPage>, size: number) => {
      const ids: string[] = [];
      const totals = new Set<number>();
      let before: string | null = null;
      for (let pages = 0; pages < 200; pages++) {
        const page = await load(before);
        checkBackPage(page, size);
        expect(page.pageInfo.hasNextPage).toBe(before != null);
        ids.unshift(...page.edges.map((e) => e.node.id));
        totals.add(page.totalCount);
        if (!page.pageInfo.hasPreviousPage) return { ids, totals: [...totals] };
        before = page.pageInfo.startCursor;
      }
      throw new Error('more than 200 pages');
    };
    const nodeIds = (page: BackPage) => page.edges.map((e) => e.node.id);

    describe.each(ROOTS)('$field', ({ field, filterType, items }) => {
      const load = async (vars: Record<string, unknown>) => (await t.ok(rootQ(field, filterType), vars)).c as BackPage;

      it.each([1, 7])('walking back with last: %i returns every item once, in list order', async (size) => {
        expectWalk(await walkBack((before) => load({ last: size, before }), size), newestFirst(items()));
      });

      it('backward with orderBy NAME ASC and a tag filter', async () => {
        const tag = { key: 'team', value: 'vision' };
        const expected = items().filter((i) => hasTag(i, tag)).sort((x, y) => byteOrder(x.name, y.name)).map((i) => i.id);
        const result = await walkBack((before) => load({ last: 3, before, filter: { tag }, orderBy: { field: 'NAME', direction: 'ASC' } }), 3);
        expectWalk(result, expected);
      });

      it('last alone: the end of the list (the oldest, newest first), hasPreviousPage true, hasNextPage false', async () => {
        const page = await load({ last: 3 });
        expect(nodeIds(page)).toEqual(newestFirst(items()).slice(-3));
        expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
        expect(page.totalCount).toBe(items().length);
      });

      it('forward pages report hasPreviousPage and startCursor; last/before from a page returns the page before it', async () => {
        const p1 = await load({ first: 5 });
        expect(p1.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true, startCursor: p1.edges[0].cursor });
        const p2 = await load({ first: 5, after: p1.pageInfo.endCursor });
        expect(p2.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true, startCursor: p2.edges[0].cursor, endCursor: p2.edges[4].cursor });
        const back = await load({ last: 5, before: p2.pageInfo.startCursor });
        expect(nodeIds(back)).toEqual(nodeIds(p1));
        expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
        const between = await load({ first: 50, after: p1.edges[0].cursor, before: p2.edges[2].cursor });
        expect(nodeIds(between)).toEqual([...nodeIds(p1).slice(1), ...nodeIds(p2).slice(0, 2)]);
        expect(between.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      });

      it('last: 101, -1 → BAD_USER_INPUT on last; first with last → BAD_USER_INPUT on last; 0 and 100 are served', async () => {
        for (const last of [101, -1, 1000]) await expectError(t, rootQ(field, filterType), { last }, { code: 'BAD_USER_INPUT', field: 'last' });
        await expectError(t, rootQ(field, filterType), { first: 2, last: 2 }, { code: 'BAD_USER_INPUT', field: 'last' });
        expect(nodeIds(await load({ last: 100 }))).toEqual(newestFirst(items()));
        expect(await load({ last: 0 })).toMatchObject({ edges: [], pageInfo: { hasPreviousPage: true, hasNextPage: false, startCursor: null } });
      });

      it.each(garbageCursors.map((before) => ({ before })))('before: "$before" → BAD_USER_INPUT on before', async ({ before }) => {
        await expectError(t, rootQ(field, filterType), { last: 5, before }, { code: 'BAD_USER_INPUT', field: 'before' });
      });
    });

    it('model.versions: walking back by 4, in both orders', async () => {
      const load = async (vars: Record<string, unknown>) => (await t.ok(versionsQ, vars)).model.c as BackPage;
      expectWalk(await walkBack((before) => load({ last: 4, before }), 4), [...versionsA].reverse().map((v) => v.id));
      expectWalk(await walkBack((before) => load({ last: 4, before, orderBy: { field: 'SEQUENCE', direction: 'ASC' } }), 4), versionsA.map((v) => v.id));
    });

    it('experiment.runs with a status filter: walking back by 2', async () => {
      const load = async (vars: Record<string, unknown>) => (await t.ok(runsQ, vars)).experiment.c as BackPage;
      const expected = runsMany.filter((r) => r.status === 'RUNNING').reverse().map((r) => r.id);
      expectWalk(await walkBack((before) => load({ last: 2, before, filter: { status: 'RUNNING' } }), 2), expected);
    });

    it('batched child lists: last pages for models with 25, 3 and 0 versions in one request', async () => {
      const d = await t.ok(`{ models(filter: { nameContains: "batch-" }, orderBy: { field: NAME, direction: ASC }) {
        nodes { name versions(last: 4) { edges { node { sequence } } pageInfo { hasNextPage hasPreviousPage } totalCount } } } }`);
      expect(d.models.nodes.map((m: { name: string; versions: { edges: { node: { sequence: number } }[]; pageInfo: object; totalCount: number } }) =>
        [m.name, m.versions.edges.map((e) => e.node.sequence), m.versions.pageInfo, m.versions.totalCount]))
        .toEqual([
          ['batch-A', [4, 3, 2, 1], { hasNextPage: false, hasPreviousPage: true }, 25],
          ['batch-B', [3, 2, 1], { hasNextPage: false, hasPreviousPage: false }, 3],
          ['batch-C', [], { hasNextPage: false, hasPreviousPage: false }, 0],
        ]);
    });

    it('batched child lists with the same cursor for every parent (one windowed statement): after and before', async () => {
      const q = `query($first: Int, $after: String, $last: Int, $before: String) {
        models(filter: { nameContains: "batch-" }, orderBy: { field: NAME, direction: ASC }) {
          nodes { name versions(first: $first, after: $after, last: $last, before: $before) {
            edges { node { sequence } } pageInfo { hasNextPage hasPreviousPage } } } } }`;
      const cursor16 = (await t.ok(versionsQ, { first: 10 })).model.c.pageInfo.endCursor as string;
      const seqs = (d: Data) => d.models.nodes.map((m: { name: string; versions: { edges: { node: { sequence: number } }[]; pageInfo: object } }) =>
        [m.name, m.versions.edges.map((e) => e.node.sequence), m.versions.pageInfo]);
      const forward = await t.statements(q, { first: 10, after: cursor16 });
      expect(seqs(forward.result.data as Data)).toEqual([
        ['batch-A', range(15, 6), { hasNextPage: true, hasPreviousPage: true }],
        ['batch-B', [3, 2, 1], { hasNextPage: false, hasPreviousPage: true }],
        ['batch-C', [], { hasNextPage: false, hasPreviousPage: true }],
      ]);
      expect(forward.statements.filter((sql) => /ROW_NUMBER/i.test(sql))).toHaveLength(1);
      const backward = await t.ok(q, { last: 4, before: cursor16 });
      expect(seqs(backward)).toEqual([
        ['batch-A', [20, 19, 18, 17], { hasNextPage: true, hasPreviousPage: true }],
        ['batch-B', [], { hasNextPage: true, hasPreviousPage: false }],
        ['batch-C', [], { hasNextPage: true, hasPreviousPage: false }],
      ]);
    });

    it('bad backward arguments on a batched child list → BAD_USER_INPUT naming the argument', async () => {
      await expectError(t, versionsQ, { last: 101 }, { code: 'BAD_USER_INPUT', field: 'last' });
      await expectError(t, versionsQ, { last: 2, before: 'garbage' }, { code: 'BAD_USER_INPUT', field: 'before' });
      await expectError(t, versionsQ, { first: 1, last: 1 }, { code: 'BAD_USER_INPUT', field: 'last' });
    });
  });
});
