import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { defineLoader, groupLoader, MAX_BATCH } from '../common/loaders';
import type { DeploymentMetricSample } from './drift.entity';
import { DriftPolicy } from './drift.entity';
import { baselineOf, defaultBaselines, latestSamples, seriesId, type Baseline, type SeriesKey } from './drift.judge';

const byCodePoint = (a: DriftPolicy, b: DriftPolicy): number => Buffer.compare(Buffer.from(a.metric), Buffer.from(b.metric));

/** Each deployment's drift policies, by metric in code-point order; one statement per batch of deployments. */
export const driftPoliciesOf = defineLoader('driftPoliciesOf', groupLoader<string, DriftPolicy>(
  async (db, deploymentIds) => (await db.manager.findBy(DriftPolicy, { deploymentId: In([...deploymentIds]) })).sort(byCodePoint),
  (p) => p.deploymentId,
));

/** Default baselines. Key: [versionId, metric key]; two statements per batch. */
export const driftBaselines = defineLoader('driftBaselines', (db) =>
  new DataLoader<[string, string], Baseline | null, string>(async (pairs) => {
    const found = await defaultBaselines(db, pairs);
    return pairs.map(([v, k]) => baselineOf(found, v, k));
  }, { maxBatchSize: MAX_BATCH, cacheKeyFn: (k) => JSON.stringify(k) }),
);

/** The latest `window` samples of a series, newest first; one statement per 200 series. */
export const latestDriftSamples = defineLoader('latestDriftSamples', (db) =>
  new DataLoader<SeriesKey, DeploymentMetricSample[], string>(async (series) => {
    const found = await latestSamples(db, series);
    return series.map((s) => found.get(seriesId(s)) ?? []);
  }, { maxBatchSize: MAX_BATCH, cacheKeyFn: (s) => JSON.stringify([s.deploymentId, s.versionId, s.key, s.window]) }),
);
