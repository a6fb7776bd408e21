import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';
import {
  chars, DESCRIPTION_AND_KEY_CASES, expectError, expectRejected, jsonOfBytes, MALFORMED_IDS, table, TAG_CASES, unknownId, type Case,
} from './helpers';

const CREATE = 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id version sequence } }';
const STATE = `query($n: String) { model(name: $n) { versionCount updatedAt latestVersion { id version sequence }
  versions(first: 100) { totalCount nodes { id version } } } }`;

interface Fixture {
  int: { id: string; name: string };
  semver: { id: string; name: string };
  ts: { id: string; name: string };
  tsLatest: string;
  experimentId: string;
  runId: string;
  versionId: string;
  datasetId: string;
  datasetVersionId: string;
}

describe('createModelVersion and modelVersion(): bad inputs', () => {
  let t: TestApp;
  let f: Fixture;

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const int = await s.model('int-model', 'INTEGER');
    const semver = await s.model('semver-model', 'SEMVER');
    const ts = await s.model('ts-model', 'TIMESTAMP');
    const v1 = await s.version(int.id);
    await s.version(semver.id);
    const tsV1 = await s.version(ts.id);
    const exp = await s.experiment();
    const run = await s.run(exp.id);
    const ds = await s.dataset();
    const dsv = await s.datasetVersion(ds.id);
    f = { int, semver, ts, tsLatest: tsV1.version, experimentId: exp.id, runId: run.id, versionId: v1.id, datasetId: ds.id, datasetVersionId: dsv.id };
  });
  afterAll(() => t.stop());

  /** The input must fail with this error and leave the target model exactly as it was. */
  const rejects = async (input: Record<string, unknown>, expected: { code: string; field?: string }, modelName = f.int.name) => {
    await expectRejected(t, CREATE, { i: input }, expected, { query: STATE, variables: { n: modelName } });
  };
  const valid = (): Record<string, unknown> => ({ modelId: f.int.id, artifactUri: 's3://models/m/1' });

  describe('field validation → BAD_USER_INPUT naming the field, nothing written', () => {
    const cases: Case[] = [
      ['an empty artifactUri', { artifactUri: '' }, 'input.artifactUri'],
      ['an artifactUri with no scheme', { artifactUri: 'models/artifact.pt' }, 'input.artifactUri'],
      ['an artifactUri that is a bare path', { artifactUri: '/tmp/model.pt' }, 'input.artifactUri'],
      ['an artifactUri with whitespace', { artifactUri: 's3://bucket/a model.pt' }, 'input.artifactUri'],
      ['an artifactUri of 2,049 characters', { artifactUri: `s3://b/${chars(2049 - 7)}` }, 'input.artifactUri'],
      ['artifactDigest sha256:ABC', { artifactDigest: 'sha256:ABC' }, 'input.artifactDigest'],
      ['artifactDigest with uppercase hex', { artifactDigest: `sha256:${chars(64, 'A')}` }, 'input.artifactDigest'],
      ['artifactDigest with 63 hex digits', { artifactDigest: `sha256:${chars(63, 'a')}` }, 'input.artifactDigest'],
      ['artifactDigest with 65 hex digits', { artifactDigest: `sha256:${chars(65, 'a')}` }, 'input.artifactDigest'],
      ['artifactDigest with an uppercase algorithm', { artifactDigest: `SHA256:${chars(64, 'a')}` }, 'input.artifactDigest'],
      ['artifactDigest sha512 with a sha256 length', { artifactDigest: `sha512:${chars(64, 'a')}` }, 'input.artifactDigest'],
      ['artifactDigest md5 with non-hex digits', { artifactDigest: `md5:${chars(32, 'g')}` }, 'input.artifactDigest'],
      ['artifactDigest with no algorithm', { artifactDigest: chars(64, 'a') }, 'input.artifactDigest'],
      ['artifactDigest with an unknown algorithm', { artifactDigest: `sha3:${chars(64, 'a')}` }, 'input.artifactDigest'],
      ['artifactDigest with a trailing newline', { artifactDigest: `${DIGEST}\n` }, 'input.artifactDigest'],
      ['an empty framework', { framework: '' }, 'input.framework'],
      ['a 101-character framework', { framework: chars(101) }, 'input.framework'],
      ['a signature over 64 KB', { signature: jsonOfBytes(64 * 1024 + 1) }, 'input.signature'],
      ['hyperparameters over 64 KB', { hyperparameters: jsonOfBytes(64 * 1024 + 1) }, 'input.hyperparameters'],
      ['hyperparameters over 64 KB in bytes though not in characters', { hyperparameters: { k: chars(33_000, 'é') } }, 'input.hyperparameters'],
      ['1,001 metrics', { metrics: Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: i })) }, 'input.metrics'],
      ['a metric with an empty key', { metrics: [{ key: 'auc', value: 1 }, { key: '', value: 1 }] }, 'input.metrics.1.key'],
      ['a metric key of 251 characters', { metrics: [{ key: chars(251), value: 1 }] }, 'input.metrics.0.key'],
      ['a metric with a negative step', { metrics: [{ key: 'auc', value: 1, step: -1 }] }, 'input.metrics.0.step'],
      ['1,001 datasets', { datasets: Array.from({ length: 1001 }, (_, i) => ({ datasetVersionId: `dsv_${i}` })) }, 'input.datasets'],
      ['the same dataset version twice', { datasets: [{ datasetVersionId: 'dsv_same' }, { datasetVersionId: 'dsv_same', role: 'TEST' }] }, 'input.datasets.1.datasetVersionId'],
      ['a gitRepo that is not a URL', { gitRepo: 'not a repo' }, 'input.gitRepo'],
      ['a gitRepo of 2,049 characters', { gitRepo: `https://github.com/${chars(2049 - 19)}` }, 'input.gitRepo'],
      ['a 6-digit gitCommit', { gitCommit: 'abc123' }, 'input.gitCommit'],
      ['an uppercase gitCommit', { gitCommit: 'ABC1234' }, 'input.gitCommit'],
      ['a gitCommit with a non-hex digit', { gitCommit: 'abc123g' }, 'input.gitCommit'],
      ['a 65-digit gitCommit', { gitCommit: chars(65, 'a') }, 'input.gitCommit'],
      ['an empty version', { version: '' }, 'input.version'],
      ['a 129-character version', { version: chars(129, '9') }, 'input.version'],
      ...DESCRIPTION_AND_KEY_CASES,
      ...TAG_CASES,
    ];
    it.each(table(cases))('$label → $field', async ({ patch, field }) => {
      await rejects({ ...valid(), ...patch }, { code: 'BAD_USER_INPUT', field });
    });
  });

  describe('inputs at the limits are accepted', () => {
    it('a 2,048-character artifactUri, 64 KB of signature and hyperparameters, sha512/sha1/md5 digests, 1,000 metrics', async () => {
      const m = await seed(t).model('limits-model');
      const uri = `s3://b/${chars(2048 - 7)}`;
      const d = await t.ok(`mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) {
        artifactUri signature hyperparameters metrics { key } } }`, { i: {
        modelId: m.id, artifactUri: uri, signature: jsonOfBytes(64 * 1024), hyperparameters: jsonOfBytes(64 * 1024),
        metrics: Array.from({ length: 1000 }, (_, i) => ({ key: `m${i}`, value: i })),
      } });
      expect(d.createModelVersion.artifactUri).toBe(uri);
      expect(d.createModelVersion.signature).toEqual(jsonOfBytes(64 * 1024));
      expect(d.createModelVersion.hyperparameters).toEqual(jsonOfBytes(64 * 1024));
      expect(d.createModelVersion.metrics).toHaveLength(1000);
      for (const digest of [`sha512:${chars(128, 'f')}`, `sha1:${chars(40, '0')}`, `md5:${chars(32, '9')}`]) {
        const v = await t.ok('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { artifactDigest } }',
          { i: { modelId: m.id, artifactUri: 's3://b/x', artifactDigest: digest } });
        expect(v.createModelVersion.artifactDigest).toBe(digest);
      }
    });
  });

  describe('which model: exactly one of modelId / modelName', () => {
    it('neither → BAD_USER_INPUT on input.modelId', async () => {
      await rejects({ artifactUri: 's3://m/x' }, { code: 'BAD_USER_INPUT', field: 'input.modelId' });
    });
    it('both → BAD_USER_INPUT on input.modelName (the one too many, as in model(id:, name:))', async () => {
      await rejects({ modelId: f.int.id, modelName: f.int.name, artifactUri: 's3://m/x' }, { code: 'BAD_USER_INPUT', field: 'input.modelName' });
    });
    it.each(MALFORMED_IDS.map((id) => ({ id })))('a malformed modelId $id → NOT_FOUND on input.modelId', async ({ id }) => {
      await rejects({ modelId: id, artifactUri: 's3://m/x' }, { code: 'NOT_FOUND', field: 'input.modelId' });
    });
    it('an unknown modelId, or the id of a dataset, an experiment or a model version → NOT_FOUND on input.modelId', async () => {
      for (const id of [unknownId('mdl'), f.datasetId, f.experimentId, f.versionId]) {
        await rejects({ modelId: id, artifactUri: 's3://m/x' }, { code: 'NOT_FOUND', field: 'input.modelId' });
      }
    });
    it('an unknown modelName, or the name in another case or with a trailing space → NOT_FOUND on input.modelName', async () => {
      for (const name of ['no-such-model', 'INT-MODEL', 'Int-model', 'int-model ', ' int-model', chars(201), '']) {
        await rejects({ modelName: name, artifactUri: 's3://m/x' }, { code: 'NOT_FOUND', field: 'input.modelName' });
      }
    });
  });

  describe('referenced objects must exist', () => {
    it('runId: malformed, unknown, or of another type → NOT_FOUND on input.runId', async () => {
      for (const runId of ['xyz', '', unknownId('run'), f.experimentId, f.versionId]) {
        await rejects({ ...valid(), runId }, { code: 'NOT_FOUND', field: 'input.runId' });
      }
    });
    it('parentVersionId: malformed, unknown, or of another type → NOT_FOUND on input.parentVersionId', async () => {
      for (const parentVersionId of ['xyz', unknownId('mv'), f.int.id, f.runId]) {
        await rejects({ ...valid(), parentVersionId }, { code: 'NOT_FOUND', field: 'input.parentVersionId' });
      }
    });
    it('datasets: the first missing one is named by its index (input.datasets.<i>)', async () => {
      const ok = { datasetVersionId: f.datasetVersionId, role: 'TRAINING' };
      await rejects({ ...valid(), datasets: [{ datasetVersionId: unknownId('dsv') }] }, { code: 'NOT_FOUND', field: 'input.datasets.0' });
      await rejects({ ...valid(), datasets: [ok, { datasetVersionId: 'xyz', role: 'TEST' }] }, { code: 'NOT_FOUND', field: 'input.datasets.1' });
      await rejects({ ...valid(), datasets: [ok, { datasetVersionId: f.datasetId, role: 'TEST' }] }, { code: 'NOT_FOUND', field: 'input.datasets.1' });
      await rejects({ ...valid(), datasets: [ok, { datasetVersionId: f.versionId }, { datasetVersionId: unknownId('dsv') }] },
        { code: 'NOT_FOUND', field: 'input.datasets.1' });
      const usedBy = await t.ok('query($id: ID!) { datasetVersion(id: $id) { usedBy { totalCount nodes { id } } } }', { id: f.datasetVersionId });
      expect(usedBy.datasetVersion.usedBy).toEqual({ totalCount: 0, nodes: [] });
    });
    it('a failed registration leaves no trace on the run, the parent or the dataset version', async () => {
      await rejects({ ...valid(), runId: f.runId, parentVersionId: f.versionId, datasets: [{ datasetVersionId: f.datasetVersionId }],
        artifactDigest: 'sha256:ABC' }, { code: 'BAD_USER_INPUT', field: 'input.artifactDigest' });
      await rejects({ ...valid(), runId: f.runId, parentVersionId: f.versionId, datasets: [{ datasetVersionId: f.datasetVersionId }],
        version: '1' }, { code: 'BAD_USER_INPUT', field: 'input.version' });
      const d = await t.ok(`query($r: ID!, $v: ID!, $d: ID!) { run(id: $r) { producedVersions { nodes { id } } } modelVersion(id: $v) { children { nodes { id } } }
        datasetVersion(id: $d) { usedBy { nodes { id } } } }`, { r: f.runId, v: f.versionId, d: f.datasetVersionId });
      expect(d).toEqual({ run: { producedVersions: { nodes: [] } }, modelVersion: { children: { nodes: [] } }, datasetVersion: { usedBy: { nodes: [] } } });
    });
  });

  describe('version labels', () => {
    const bad = (label: string, patch: Record<string, unknown>, field = 'input.version') => ({ label, patch, field });

    it.each([
      bad('the latest label again (1)', { version: '1' }),
      bad('0', { version: '0' }),
      bad('-1', { version: '-1' }),
      bad('abc', { version: 'abc' }),
      bad('a leading zero (02)', { version: '02' }),
      bad('a decimal (2.0)', { version: '2.0' }),
      bad('surrounding spaces', { version: ' 2 ' }),
      bad('a bump on an INTEGER model', { bump: 'MAJOR' }, 'input.bump'),
      bad('a bump and a version at once', { bump: 'MINOR', version: '7' }, 'input.bump'),
    ])('INTEGER: $label → BAD_USER_INPUT on $field', async ({ patch, field }) => {
      await rejects({ ...valid(), ...patch }, { code: 'BAD_USER_INPUT', field });
    });

    it.each([
      bad('the latest label again (1.0.0)', { version: '1.0.0' }),
      bad('a lower version (0.9.9)', { version: '0.9.9' }),
      bad('a prerelease of the latest (1.0.0-rc.1)', { version: '1.0.0-rc.1' }),
      bad('a leading v (v2.0.0)', { version: 'v2.0.0' }),
      bad('two components (2.0)', { version: '2.0' }),
      bad('four components (2.0.0.0)', { version: '2.0.0.0' }),
      bad('a leading zero (02.0.0)', { version: '02.0.0' }),
      bad('a word (latest)', { version: 'latest' }),
      bad('a bump and a version at once', { version: '2.0.0', bump: 'MAJOR' }, 'input.bump'),
    ])('SEMVER: $label → BAD_USER_INPUT on $field', async ({ patch, field }) => {
      await rejects({ ...valid(), modelId: f.semver.id, ...patch }, { code: 'BAD_USER_INPUT', field }, f.semver.name);
    });

    it.each([
      bad('a date with dashes (2099-11-27)', { version: '2099-11-27' }),
      bad('no time (2099.11.27)', { version: '2099.11.27' }),
      bad('a short time (2099.11.27.1205)', { version: '2099.11.27.1205' }),
      bad('month 13 (2099.13.01.120000)', { version: '2099.13.01.120000' }),
      bad('day 32 (2099.01.32.120000)', { version: '2099.01.32.120000' }),
      bad('a .0 suffix', { version: '2099.11.27.120501.0' }),
      bad('a suffix with a leading zero', { version: '2099.11.27.120501.01' }),
      bad('an ISO timestamp', { version: '2099-11-27T12:05:01Z' }),
      bad('a label before the latest (2000.01.01.000000)', { version: '2000.01.01.000000' }),
      bad('February 30th (2099.02.30.120000)', { version: '2099.02.30.120000' }),
      bad('hour 25 (2099.11.27.250000)', { version: '2099.11.27.250000' }),
      bad('minute 61 (2099.11.27.126100)', { version: '2099.11.27.126100' }),
      bad('a bump on a TIMESTAMP model', { bump: 'PATCH' }, 'input.bump'),
    ])('TIMESTAMP: $label → BAD_USER_INPUT on $field', async ({ patch, field }) => {
      await rejects({ ...valid(), modelId: f.ts.id, ...patch }, { code: 'BAD_USER_INPUT', field }, f.ts.name);
    });

    it('TIMESTAMP: the latest label itself is not greater than the latest', async () => {
      await rejects({ ...valid(), modelId: f.ts.id, version: f.tsLatest }, { code: 'BAD_USER_INPUT', field: 'input.version' }, f.ts.name);
    });

    it('after all those failures the numbering goes on from where it was', async () => {
      const semver = await seed(t).model('semver-after-failures', 'SEMVER');
      const s = seed(t);
      expect((await s.version(semver.id)).version).toBe('1.0.0');
      await rejects({ modelId: semver.id, artifactUri: 's3://x/y', version: '1.0.0' }, { code: 'BAD_USER_INPUT', field: 'input.version' }, semver.name);
      expect(await s.version(semver.id, { bump: 'PATCH' })).toMatchObject({ version: '1.0.1', sequence: 2 });
      expect(await s.version(semver.id, { version: '3.0.0' })).toMatchObject({ version: '3.0.0', sequence: 3 });
      await rejects({ modelId: semver.id, artifactUri: 's3://x/y', version: '2.9.9' }, { code: 'BAD_USER_INPUT', field: 'input.version' }, semver.name);
      expect(await s.version(semver.id)).toMatchObject({ version: '3.1.0', sequence: 4 });

      const int = await seed(t).model('int-after-failures', 'INTEGER');
      expect(await s.version(int.id, { version: '5' })).toMatchObject({ version: '5', sequence: 1 });
      await rejects({ modelId: int.id, artifactUri: 's3://x/y', version: '5' }, { code: 'BAD_USER_INPUT', field: 'input.version' }, int.name);
      expect(await s.version(int.id)).toMatchObject({ version: '6', sequence: 2 });
    });
  });

  describe('modelVersion(id:, model:, version:) lookups', () => {
    const BY_ID = 'query($id: ID) { modelVersion(id: $id) { id } }';
    const BY_LABEL = 'query($m: String, $v: String) { modelVersion(model: $m, version: $v) { id } }';

    it('a malformed id, an unknown id, or an id of another type → null', async () => {
      for (const id of [...MALFORMED_IDS, unknownId('mv'), f.int.id, f.runId, f.datasetVersionId, f.versionId.toUpperCase()]) {
        const r = await t.gql(BY_ID, { id });
        expect({ id, errors: r.errors, data: r.data }).toEqual({ id, errors: undefined, data: { modelVersion: null } });
      }
      expect((await t.ok(BY_ID, { id: f.versionId })).modelVersion).toEqual({ id: f.versionId });
    });

    it('an unknown model, an unknown label, or either in another spelling → null', async () => {
      for (const [m, v] of [['no-such-model', '1'], [f.int.name, '2'], [f.int.name, ' 1'], [f.int.name, '01'], ['INT-MODEL', '1'], [`${f.int.name} `, '1'], [f.semver.name, '1']]) {
        const r = await t.gql(BY_LABEL, { m, v });
        expect({ m, v, errors: r.errors, data: r.data }).toEqual({ m, v, errors: undefined, data: { modelVersion: null } });
      }
      expect((await t.ok(BY_LABEL, { m: f.int.name, v: '1' })).modelVersion).toEqual({ id: f.versionId });
    });

    it('id together with model/version → BAD_USER_INPUT on id; model without version and vice versa → BAD_USER_INPUT', async () => {
      await expectError(t, 'query($id: ID, $m: String) { modelVersion(id: $id, model: $m) { id } }', { id: f.versionId, m: f.int.name },
        { code: 'BAD_USER_INPUT', field: 'id' });
      await expectError(t, 'query($id: ID, $v: String) { modelVersion(id: $id, version: $v) { id } }', { id: f.versionId, v: '1' },
        { code: 'BAD_USER_INPUT', field: 'id' });
      await expectError(t, '{ modelVersion(model: "int-model") { id } }', {}, { code: 'BAD_USER_INPUT', field: 'version' });
      await expectError(t, '{ modelVersion(version: "1") { id } }', {}, { code: 'BAD_USER_INPUT', field: 'model' });
      await expectError(t, '{ modelVersion { id } }', {}, { code: 'BAD_USER_INPUT', field: 'model' });
    });
  });
});
