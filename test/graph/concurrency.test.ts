import { TestApp } from '../support/app';
import { concurrently, expectEngineOverlap } from '../support/concurrency';
import { seed } from '../support/seed';

const CREATE = 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id version sequence } }';

/**
 * On MySQL/MariaDB the writes below overlap and the row locks keep numbering gap-free; on SQLite they are
 * serialized in-process (one writer), which is what these tests check there (see test/support/concurrency.ts).
 */
describe('concurrent registrations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it.each(['INTEGER', 'SEMVER', 'TIMESTAMP'])('50 concurrent createModelVersion on one %s model: 50 distinct labels, gap-free sequences, no error', async (scheme) => {
    const model = await seed(t).model(undefined, scheme);
    const { results, maxOpen } = await concurrently(t, 50, (i) => t.gql(CREATE, { i: { modelId: model.id, artifactUri: `s3://m/${i}` } }));
    expectEngineOverlap(t, maxOpen);
    const errors = results.flatMap((r) => r.errors ?? []);
    expect(errors).toEqual([]);
    const created = results.map((r) => (r.data as { createModelVersion: { version: string; sequence: number } }).createModelVersion);
    expect(created.map((v) => v.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(created.map((v) => v.version)).size).toBe(50);

    const after = await t.ok('query($id: ID!) { model(id: $id) { versionCount latestVersion { sequence version } versions(first: 100) { totalCount } } }', { id: model.id });
    expect(after.model.versionCount).toBe(50);
    expect(after.model.versions.totalCount).toBe(50);
    expect(after.model.latestVersion.sequence).toBe(50);
    // The label order follows the sequence order: each new label is greater than the one before.
    const bySequence = [...created].sort((a, b) => a.sequence - b.sequence).map((v) => v.version);
    if (scheme === 'INTEGER') expect(bySequence).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    if (scheme === 'SEMVER') expect(bySequence).toEqual(Array.from({ length: 50 }, (_, i) => `1.${i}.0`));
    if (scheme === 'TIMESTAMP') expect(after.model.latestVersion.version).toBe(bySequence[49]);
  });

  it('concurrent dataset versions are numbered 1..30 without gaps', async () => {
    const ds = await seed(t).dataset();
    const { results, maxOpen } = await concurrently(t, 30, () => seed(t).datasetVersion(ds.id));
    expectEngineOverlap(t, maxOpen);
    expect(results.map((r) => Number(r.version)).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('concurrent registerModel with one name: exactly one wins, the rest get CONFLICT', async () => {
    const { results, maxOpen } = await concurrently(t, 10, () => t.gql('mutation { registerModel(input: { name: "contended" }) { id } }'));
    expectEngineOverlap(t, maxOpen);
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => r.errors![0].extensions?.code)).toEqual(Array(9).fill('CONFLICT'));
  });
});
