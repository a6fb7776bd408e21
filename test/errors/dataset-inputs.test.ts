import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';
import {
  chars, describeNamedEntity, DESCRIPTION_AND_KEY_CASES, expectRejected, jsonOfBytes, MALFORMED_IDS, table, TAG_CASES, unknownId, type Case,
} from './helpers';

const CREATE_VERSION = 'mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id version sequence } }';
const STATE = `query($n: String) { dataset(name: $n) { versionCount updatedAt latestVersion { id version sequence }
  versions(first: 100) { totalCount nodes { id version } } } }`;

describe('createDataset, createDatasetVersion, dataset() and datasetVersion(): bad inputs', () => {
  let t: TestApp;
  let ds: { id: string; name: string };
  let dsv1: string;
  let modelId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    ds = await seed(t).dataset('customers');
    dsv1 = (await seed(t).datasetVersion(ds.id, { version: 'v1' })).id;
    modelId = (await seed(t).model()).id;
  });
  afterAll(() => t.stop());

  describeNamedEntity(() => t, {
    mutation: 'createDataset',
    inputType: 'CreateDatasetInput',
    lookup: 'dataset',
    list: 'datasets',
    typeName: 'Dataset',
    valid: (name) => ({ name }),
    otherTypeId: async () => dsv1,
  });

  const rejects = (input: Record<string, unknown>, expected: { code: string; field?: string }, name = ds.name) =>
    expectRejected(t, CREATE_VERSION, { i: input }, expected, { query: STATE, variables: { n: name } });
  const valid = (): Record<string, unknown> => ({ datasetId: ds.id, uri: 's3://data/customers/2026-11', digest: DIGEST });

  describe('createDatasetVersion: field validation → BAD_USER_INPUT naming the field, nothing written', () => {
    const cases: Case[] = [
      ['an empty uri', { uri: '' }, 'input.uri'],
      ['a uri with no scheme', { uri: 'data/customers.parquet' }, 'input.uri'],
      ['a uri with whitespace', { uri: 's3://data/customer data.parquet' }, 'input.uri'],
      ['a uri of 2,049 characters', { uri: `s3://d/${chars(2049 - 7)}` }, 'input.uri'],
      ['digest sha256:ABC', { digest: 'sha256:ABC' }, 'input.digest'],
      ['an empty digest', { digest: '' }, 'input.digest'],
      ['a digest with uppercase hex', { digest: `sha256:${chars(64, 'F')}` }, 'input.digest'],
      ['a sha1 digest of sha256 length', { digest: `sha1:${chars(64, 'a')}` }, 'input.digest'],
      ['a digest with no algorithm', { digest: chars(64, 'a') }, 'input.digest'],
      ['a negative rowCount', { rowCount: -1 }, 'input.rowCount'],
      ['a schema over 64 KB', { schema: jsonOfBytes(64 * 1024 + 1) }, 'input.schema'],
      ['a schema over 64 KB in bytes though not in characters', { schema: { k: chars(33_000, 'é') } }, 'input.schema'],
      ['an empty version label', { version: '' }, 'input.version'],
      ['a 129-character version label', { version: chars(129) }, 'input.version'],
      ['1,001 derivedFromIds', { derivedFromIds: Array.from({ length: 1001 }, (_, i) => `dsv_${i}`) }, 'input.derivedFromIds'],
      ['the same derivedFromId twice', { derivedFromIds: ['dsv_x', 'dsv_x'] }, 'input.derivedFromIds.1'],
      ...DESCRIPTION_AND_KEY_CASES,
      ...TAG_CASES,
    ];
    it.each(table(cases))('$label → $field', async ({ patch, field }) => {
      await rejects({ ...valid(), ...patch }, { code: 'BAD_USER_INPUT', field });
    });

    it('a uri of 2,048 characters, a 64 KB schema and rowCount 0 are accepted', async () => {
      const other = await seed(t).dataset();
      const uri = `s3://d/${chars(2048 - 7)}`;
      const d = await t.ok('mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { uri schema rowCount } }',
        { i: { datasetId: other.id, uri, digest: DIGEST, schema: jsonOfBytes(64 * 1024), rowCount: 0 } });
      expect(d.createDatasetVersion).toEqual({ uri, schema: jsonOfBytes(64 * 1024), rowCount: 0 });
    });
  });

  describe('createDatasetVersion: which dataset, and what it derives from', () => {
    it('neither datasetId nor datasetName → BAD_USER_INPUT on input.datasetId; both → on input.datasetName', async () => {
      const { datasetId: _, ...rest } = valid();
      await rejects(rest, { code: 'BAD_USER_INPUT', field: 'input.datasetId' });
      await rejects({ ...valid(), datasetName: ds.name }, { code: 'BAD_USER_INPUT', field: 'input.datasetName' });
    });

    it('datasetId malformed, unknown or of another type → NOT_FOUND on input.datasetId', async () => {
      for (const id of [...MALFORMED_IDS, unknownId('ds'), dsv1, modelId, ds.id.toUpperCase()]) {
        await rejects({ ...valid(), datasetId: id }, { code: 'NOT_FOUND', field: 'input.datasetId' });
      }
    });

    it('datasetName unknown, in another case or with extra spaces → NOT_FOUND on input.datasetName', async () => {
      const { datasetId: _, ...rest } = valid();
      for (const name of ['no-such-dataset', 'Customers', 'CUSTOMERS', 'customers ', ' customers', chars(300)]) {
        await rejects({ ...rest, datasetName: name }, { code: 'NOT_FOUND', field: 'input.datasetName' });
      }
    });

    it('a derivedFromId that does not exist → NOT_FOUND naming its index (input.derivedFromIds.<i>)', async () => {
      const cases: [string[], string][] = [
        [[unknownId('dsv')], 'input.derivedFromIds.0'],
        [[dsv1, 'xyz'], 'input.derivedFromIds.1'],
        [[dsv1, ds.id], 'input.derivedFromIds.1'],
        [[dsv1, modelId, unknownId('dsv')], 'input.derivedFromIds.1'],
      ];
      for (const [ids, field] of cases) await rejects({ ...valid(), derivedFromIds: ids }, { code: 'NOT_FOUND', field });
      const d = await t.ok('query($id: ID!) { datasetVersion(id: $id) { derivatives { totalCount nodes { id } } } }', { id: dsv1 });
      expect(d.datasetVersion.derivatives).toEqual({ totalCount: 0, nodes: [] });
    });

    it('a label the dataset already has → CONFLICT on input.version, nothing written; labels are case-sensitive', async () => {
      await rejects({ ...valid(), version: 'v1' }, { code: 'CONFLICT', field: 'input.version' });
      const own = await seed(t).dataset();
      const upper = await seed(t).datasetVersion(own.id, { version: 'V1' });
      const lower = await seed(t).datasetVersion(own.id, { version: 'v1' });
      const spaced = await seed(t).datasetVersion(own.id, { version: 'v1 ' });
      expect(new Set([upper.id, lower.id, spaced.id]).size).toBe(3);
      expect([upper.version, lower.version, spaced.version]).toEqual(['V1', 'v1', 'v1 ']);
      await rejects({ ...valid(), datasetId: own.id, version: 'V1' }, { code: 'CONFLICT', field: 'input.version' }, own.name);
      // a label that another dataset uses is free here
      const elsewhere = await seed(t).datasetVersion(own.id, { version: 'shared' });
      const here = await seed(t).datasetVersion(ds.id, { version: 'shared' });
      expect(elsewhere.id).not.toBe(here.id);
    });

    it('an explicit label equal to a later sequence number never leaves the dataset unable to take default-labelled versions', async () => {
      const own = await seed(t).dataset();
      const explicit = await t.gql(CREATE_VERSION, { i: { datasetId: own.id, uri: 's3://x/1', digest: DIGEST, version: '2' } });
      if (explicit.errors) {
        // refusing such a label up front is one acceptable answer
        expect(explicit.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.version' });
        return;
      }
      // the other: default labels keep working (the sequence is 2; the label cannot be "2", which is taken)
      for (const sequence of [2, 3]) {
        const r = await t.gql(CREATE_VERSION, { i: { datasetId: own.id, uri: `s3://x/${sequence}`, digest: DIGEST } });
        expect({ errors: r.errors, message: r.errors?.[0]?.message }).toEqual({ errors: undefined, message: undefined });
        expect(r.data!.createDatasetVersion.sequence).toBe(sequence);
        expect(r.data!.createDatasetVersion.version).not.toBe('2');
      }
    });
  });

  describe('datasetVersion(id:)', () => {
    it('a malformed id, an unknown id, or an id of another type → null, no error', async () => {
      for (const id of [...MALFORMED_IDS, unknownId('dsv'), ds.id, modelId, dsv1.toUpperCase()]) {
        const r = await t.gql('query($id: ID!) { datasetVersion(id: $id) { id } }', { id });
        expect({ id, errors: r.errors, data: r.data }).toEqual({ id, errors: undefined, data: { datasetVersion: null } });
      }
      expect((await t.ok('query($id: ID!) { datasetVersion(id: $id) { id } }', { id: dsv1 })).datasetVersion).toEqual({ id: dsv1 });
    });
  });
});
