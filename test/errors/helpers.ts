import type { GqlResult, TestApp } from '../support/app';

/** A well-formed id of the given prefix that names nothing (valid ULID alphabet, lowercase). */
export const unknownId = (prefix: string): string => `${prefix}_01j${'z'.repeat(23)}`;

/** Ids that are not ids of ours at all. */
export const MALFORMED_IDS = ['xyz', '', 'mdl_', `MDL_01J${'Z'.repeat(23)}`, `mdl_${'z'.repeat(300)}`, "x' OR '1'='1"];

export const chars = (n: number, c = 'x'): string => c.repeat(n);

/** A JSON object whose JSON text is exactly `bytes` bytes long ({"k":"xxx…"}). */
export const jsonOfBytes = (bytes: number): { k: string } => ({ k: 'x'.repeat(bytes - 8) });

export const tags = (n: number): { key: string; value: string }[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));

/** Text that must never reach a client: SQL, driver names and codes, stack frames. */
const LEAKS: RegExp[] = [
  /\bSELECT\b/, /\bINSERT\b/, /\bUPDATE\s+[`"\w]/, /\bDELETE\s+FROM\b/, /\bWHERE\b/,
  /sqlite/i, /mysql/i, /mariadb/i, /\bER_[A-Z_]+/, /errno/i, /QueryFailedError/, /TypeORM/i,
  /\n\s+at\s/, /\bat\s+\S+\s+\(.*:\d+:\d+\)/, /\.ts:\d+/, /\.js:\d+/, /node_modules/,
];

type GqlError = NonNullable<GqlResult['errors']>[number];

export function expectNoLeaks(errors: readonly GqlError[]): void {
  for (const error of errors) {
    expect(error.extensions ?? {}).not.toHaveProperty('stacktrace');
    expect(error.extensions ?? {}).not.toHaveProperty('exception');
    const text = JSON.stringify(error);
    for (const leak of LEAKS) expect(text).not.toMatch(leak);
  }
}

export interface Expected {
  code: string;
  /** extensions.field; omit for errors that name no field. */
  field?: string;
}

/** Runs an operation that must fail with exactly one error of this code and field, leaking nothing. */
export async function expectError(t: TestApp, query: string, variables: Record<string, unknown>, expected: Expected): Promise<GqlError> {
  const result = await t.gql(query, variables);
  expect(result.errors ?? []).toHaveLength(1);
  const [error] = result.errors!;
  const got: Expected = { code: error.extensions?.code as string };
  if (expected.field !== undefined || error.extensions?.field !== undefined) got.field = error.extensions?.field as string;
  expect({ ...got, message: error.message }).toEqual({ ...expected, message: expect.any(String) });
  expectNoLeaks(result.errors!);
  return error;
}

/**
 * Rows in every table the entities map to (tag, metric, idempotency_record and link tables included), in one
 * statement: every rejected case takes this picture twice.
 */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const ds = t.app.db.dataSource;
  const tables = [...new Set(ds.entityMetadatas.map((meta) => meta.tableName))].sort();
  const sql = tables.map((table, i) => `SELECT ${i} AS t, COUNT(*) AS n FROM ${ds.driver.escape(table)}`).join(' UNION ALL ');
  const rows: { t: number | string; n: number | string }[] = await ds.query(sql);
  const counts: Record<string, number> = {};
  for (const row of rows) counts[tables[Number(row.t)]] = Number(row.n);
  expect(Object.keys(counts)).toHaveLength(tables.length);
  return counts;
}

const ROOT_TOTALS = '{ experiments { totalCount } models { totalCount } datasets { totalCount } deployments { totalCount } }';

/**
 * Takes a picture of what a client can see (root totals and an optional extra query) and of every table's
 * row count; `unchanged()` asserts a failed operation changed none of it.
 */
export async function snapshot(t: TestApp, extra?: { query: string; variables?: Record<string, unknown> }) {
  const read = async () => ({
    totals: await t.ok(ROOT_TOTALS),
    extra: extra ? await t.ok(extra.query, extra.variables ?? {}) : null,
    tables: await rowCounts(t),
  });
  const before = await read();
  return {
    before,
    async unchanged(): Promise<void> {
      expect(await read()).toEqual(before);
    },
  };
}

/** expectError + snapshot: the operation fails as expected and nothing is written. */
export async function expectRejected(
  t: TestApp,
  query: string,
  variables: Record<string, unknown>,
  expected: Expected,
  extra?: { query: string; variables?: Record<string, unknown> },
): Promise<GqlError> {
  const picture = await snapshot(t, extra);
  const error = await expectError(t, query, variables, expected);
  await picture.unchanged();
  return error;
}

export type Case = [label: string, patch: Record<string, unknown>, field: string];

/** Cases as objects, so test titles read `$label → $field` instead of printing the (large) inputs. */
export const table = (cases: Case[]) => cases.map(([label, patch, field]) => ({ label, patch, field }));

/** Tag-list inputs every create mutation rejects, as `{ tags }` patches. */
export const TAG_CASES: Case[] = [
  ['an empty tag key', { tags: [{ key: 'a', value: '1' }, { key: '', value: '2' }] }, 'input.tags.1.key'],
  ['a 101-character tag key', { tags: [{ key: chars(101), value: 'v' }] }, 'input.tags.0.key'],
  ['a 1,001-character tag value', { tags: [{ key: 'k', value: 'v' }, { key: 'k2', value: 'v' }, { key: 'k3', value: chars(1001) }] }, 'input.tags.2.value'],
  ['duplicate tag keys', { tags: [{ key: 'team', value: 'a' }, { key: 'other', value: 'x' }, { key: 'team', value: 'b' }] }, 'input.tags.2.key'],
  ['1,001 tags', { tags: tags(1001) }, 'input.tags'],
];

/** Description and idempotency-key inputs every create mutation with those fields rejects. */
export const DESCRIPTION_AND_KEY_CASES: Case[] = [
  ['a 10,001-character description', { description: chars(10_001) }, 'input.description'],
  ['an empty idempotencyKey', { idempotencyKey: '' }, 'input.idempotencyKey'],
  ['a 201-character idempotencyKey', { idempotencyKey: chars(201) }, 'input.idempotencyKey'],
];

/** Name inputs every named create mutation rejects. */
export const NAME_CASES: Case[] = [
  ['an empty name', { name: '' }, 'input.name'],
  ['a 201-character name', { name: chars(201) }, 'input.name'],
  ['a name of 201 two-byte characters', { name: chars(201, 'é') }, 'input.name'],
];

export interface NamedSpec {
  /** createExperiment, registerModel… */
  mutation: string;
  inputType: string;
  /** experiment, model… (the root lookup query) */
  lookup: string;
  /** experiments, models… (the root connection) */
  list: string;
  /** The GraphQL type name, for __typename checks. */
  typeName: string;
  /** A valid input with the given name. */
  valid: (name: string) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The id of an object of another type (must not be found as this type). */
  otherTypeId: () => Promise<string>;
}

/**
 * The bad inputs every named create mutation shares (name, description, tags, idempotency key), name
 * uniqueness (exact, case- and trailing-space-sensitive), and the by-id / by-name lookup query.
 */
export function describeNamedEntity(app: () => TestApp, spec: NamedSpec): void {
  const create = `mutation($i: ${spec.inputType}!) { r: ${spec.mutation}(input: $i) { id name tags { key value } } }`;
  const byName = `query($n: String) { r: ${spec.lookup}(name: $n) { id name } }`;
  const byId = `query($id: ID) { r: ${spec.lookup}(id: $id) { id name } }`;
  let n = 0;
  const fresh = (): string => `${spec.lookup}-${++n}`;
  const make = async (name: string) => {
    const d = await app().ok(create, { i: await spec.valid(name) });
    return d.r as { id: string; name: string; tags: { key: string; value: string }[] };
  };

  describe(`${spec.mutation}: bad inputs → BAD_USER_INPUT naming the field, nothing written`, () => {
    it.each(table([...NAME_CASES, ...DESCRIPTION_AND_KEY_CASES, ...TAG_CASES]))('$label → $field', async ({ patch, field }) => {
      const name = fresh();
      await expectRejected(app(), create, { i: { ...(await spec.valid(name)), ...patch } }, { code: 'BAD_USER_INPUT', field });
      if (!('name' in patch)) expect((await app().ok(byName, { n: name })).r).toBeNull();
    });
  });

  describe(`${spec.mutation}: inputs at the limits are accepted`, () => {
    it('a 200-character name, a 10,000-character description, a 100-character tag key and a 1,000-character value', async () => {
      const name = chars(199) + String(++n % 10);
      const input = { ...(await spec.valid(name)), description: chars(10_000), tags: [{ key: chars(100, 'k'), value: chars(1000, 'v') }] };
      const d = await app().ok(`mutation($i: ${spec.inputType}!) { r: ${spec.mutation}(input: $i) { id name description tags { key value } } }`, { i: input });
      expect(d.r).toMatchObject({ name, description: chars(10_000), tags: [{ key: chars(100, 'k'), value: chars(1000, 'v') }] });
      expect((await app().ok(byName, { n: name })).r).toEqual({ id: d.r.id, name });
    });

    it('a name of 200 two-byte characters round-trips exactly', async () => {
      const name = chars(199, 'é') + String(++n % 10);
      const made = await make(name);
      expect((await app().ok(byName, { n: name })).r).toEqual({ id: made.id, name });
    });

    it('tag keys differing only in case or a trailing space are distinct keys', async () => {
      const input = { ...(await spec.valid(fresh())), tags: [{ key: 'env', value: '1' }, { key: 'Env', value: '2' }, { key: 'env ', value: '3' }] };
      const d = await app().ok(create, { i: input });
      const got = [...d.r.tags].sort((a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value));
      expect(got).toEqual([{ key: 'env', value: '1' }, { key: 'Env', value: '2' }, { key: 'env ', value: '3' }]);
    });
  });

  describe(`${spec.mutation}: names are unique and compare exactly`, () => {
    it('a taken name → CONFLICT on input.name, nothing written (tags included)', async () => {
      const name = fresh();
      const first = await make(name);
      const input = { ...(await spec.valid(name)), tags: [{ key: 'conflict', value: 'yes' }] };
      await expectRejected(app(), create, { i: input }, { code: 'CONFLICT', field: 'input.name' });
      expect((await app().ok(byName, { n: name })).r).toEqual({ id: first.id, name });
      const tagged = await app().ok(`{ l: ${spec.list}(filter: { tag: { key: "conflict", value: "yes" } }) { totalCount } }`);
      expect(tagged.l.totalCount).toBe(0);
    });

    it('a taken name with an idempotency key → CONFLICT, and the key stays free', async () => {
      const name = fresh();
      await make(name);
      const key = `conflict-key-${fresh()}`;
      await expectRejected(app(), create, { i: { ...(await spec.valid(name)), idempotencyKey: key } }, { code: 'CONFLICT', field: 'input.name' });
      const other = fresh();
      const d = await app().ok(create, { i: { ...(await spec.valid(other)), idempotencyKey: key } });
      expect(d.r.name).toBe(other);
    });

    it.each([
      ['Model', 'model'],
      ['ABC', 'abc'],
      ['a', 'a '],
      ['b', ' b'],
      ['straße', 'STRASSE'],
      ['é', 'e'],
      ['Ｘ', 'X'],
    ])('"%s" and "%s" are different names: both can exist and each is found by its exact name', async (a, b) => {
      const made1 = await make(a);
      const made2 = await make(b);
      expect(made1.id).not.toBe(made2.id);
      expect([made1.name, made2.name]).toEqual([a, b]);
      expect((await app().ok(byName, { n: a })).r).toEqual({ id: made1.id, name: a });
      expect((await app().ok(byName, { n: b })).r).toEqual({ id: made2.id, name: b });
      expect((await app().ok(byName, { n: `${a}  ` })).r).toBeNull();
      await expectError(app(), create, { i: await spec.valid(b) }, { code: 'CONFLICT', field: 'input.name' });
    });
  });

  describe(`${spec.lookup}(id:, name:) lookups`, () => {
    it('a malformed id, an unknown id, or an id of another type → null, no error', async () => {
      const made = await make(fresh());
      const prefix = made.id.split('_')[0];
      const ids = [...MALFORMED_IDS, unknownId(prefix), made.id.toUpperCase(), `${made.id} `, await spec.otherTypeId()];
      for (const id of ids) {
        const r = await app().gql(byId, { id });
        expect({ id, errors: r.errors }).toEqual({ id, errors: undefined });
        expect(r.data).toEqual({ r: null });
      }
      expect((await app().ok(byId, { id: made.id })).r).toEqual({ id: made.id, name: made.name });
    });

    it('an unknown name, or a name longer than any stored name → null', async () => {
      for (const n of ['no-such-name', '', chars(201), chars(5000)]) {
        const r = await app().gql(byName, { n });
        expect({ n, errors: r.errors, data: r.data }).toEqual({ n, errors: undefined, data: { r: null } });
      }
    });

    it('neither id nor name → BAD_USER_INPUT on id; both → BAD_USER_INPUT on name', async () => {
      const made = await make(fresh());
      await expectError(app(), `{ r: ${spec.lookup} { id } }`, {}, { code: 'BAD_USER_INPUT', field: 'id' });
      await expectError(app(), `query($id: ID, $n: String) { r: ${spec.lookup}(id: $id, name: $n) { id } }`, { id: made.id, n: made.name },
        { code: 'BAD_USER_INPUT', field: 'name' });
    });

    it('node(id:) agrees with the lookup', async () => {
      const made = await make(fresh());
      const d = await app().ok('query($id: ID!) { node(id: $id) { __typename id } }', { id: made.id });
      expect(d.node).toEqual({ __typename: spec.typeName, id: made.id });
    });
  });
}
