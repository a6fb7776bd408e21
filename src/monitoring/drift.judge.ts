import { In } from 'typeorm';
import { Metric } from '../common/metrics';
import type { Database } from '../db/database';
import { Evaluation } from '../evaluation/evaluation.entity';
import { DeploymentMetricSample, DriftBaselineSource, DriftState, type DriftCheck, type DriftPolicy } from './drift.entity';

export interface Baseline {
  value: number;
  source: DriftBaselineSource;
}

/** The series a window is taken from: one metric of one served version of one deployment. */
export interface SeriesKey {
  deploymentId: string;
  versionId: string;
  key: string;
  window: number;
}

export const seriesId = (s: Omit<SeriesKey, 'window'>): string => JSON.stringify([s.deploymentId, s.versionId, s.key]);

/** Series per statement: every one is a short backwards range of the (deployment, version, key, at, id) index. */
const SERIES_PER_STATEMENT = 200;

/**
 * The latest `window` samples of each series (newest first), one statement per 200 series: a union of
 * per-series `ORDER BY at DESC, id DESC LIMIT window` ranges, each read backwards from the index.
 */
export async function latestSamples(db: Database, series: readonly SeriesKey[]): Promise<Map<string, DeploymentMetricSample[]>> {
  const found = new Map<string, DeploymentMetricSample[]>(series.map((s) => [seriesId(s), []]));
  const key = db.manager.connection.driver.escape('key');
  for (let start = 0; start < series.length; start += SERIES_PER_STATEMENT) {
    const chunk = series.slice(start, start + SERIES_PER_STATEMENT);
    const params: Record<string, unknown> = {};
    const parts = chunk.map((s, i) => {
      Object.assign(params, { [`sd${i}`]: s.deploymentId, [`sv${i}`]: s.versionId, [`sk${i}`]: s.key });
      return `SELECT w${i}.id FROM (SELECT p.id FROM deployment_metric_sample p WHERE p.deployment_id = :sd${i} AND p.version_id = :sv${i}
        AND p.${key} = :sk${i} ORDER BY p.at DESC, p.id DESC LIMIT ${Math.trunc(s.window)}) w${i}`;
    });
    const rows = await db.manager.createQueryBuilder(DeploymentMetricSample, 's')
      .where(`s.id IN (SELECT u.id FROM (${parts.join(' UNION ALL ')}) u)`, params)
      .getMany();
    rows.sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
    for (const row of rows) found.get(seriesId({ deploymentId: row.deploymentId, versionId: row.versionId!, key: row.key }))?.push(row);
  }
  return found;
}

const pairId = (versionId: string, key: string): string => JSON.stringify([versionId, key]);

/**
 * Default baselines of (version, key) pairs: the version's registration metric of the key (its latest
 * point: highest step, then last logged), else the latest evaluation of the key (the newest evaluation
 * holding it, its latest point). Two statements for any number of pairs.
 */
export async function defaultBaselines(db: Database, pairs: readonly [string, string][]): Promise<Map<string, Baseline>> {
  const result = new Map<string, Baseline>();
  if (!pairs.length) return result;
  const versionIds = [...new Set(pairs.map(([v]) => v))];
  const keys = [...new Set(pairs.map(([, k]) => k))];
  const step = (s: number | null): number => s ?? -1;
  const registered = await db.manager.findBy(Metric, { entityId: In(versionIds), key: In(keys) });
  registered.sort((a, b) => step(a.step) - step(b.step) || a.id - b.id);
  const evaluated = await db.manager.createQueryBuilder(Metric, 'm')
    .innerJoin(Evaluation, 'e', 'e.id = m.entityId')
    .select(['m.key AS point_key', 'm.value AS point_value', 'e.version_id AS point_version'])
    .where('e.version_id IN (:...baselineVersions) AND m.key IN (:...baselineKeys)', { baselineVersions: versionIds, baselineKeys: keys })
    .orderBy('e.created_at', 'ASC').addOrderBy('e.id', 'ASC').addOrderBy('COALESCE(m.step, -1)', 'ASC').addOrderBy('m.id', 'ASC')
    .getRawMany<{ point_key: string; point_value: number | string; point_version: string }>();
  for (const e of evaluated) result.set(pairId(e.point_version, e.point_key), { value: Number(e.point_value), source: DriftBaselineSource.EVALUATION });
  for (const m of registered) result.set(pairId(m.entityId, m.key), { value: m.value, source: DriftBaselineSource.REGISTRATION });
  return result;
}

export const baselineOf = (baselines: Map<string, Baseline>, versionId: string, key: string): Baseline | null =>
  baselines.get(pairId(versionId, key)) ?? null;

/** The policy's own baseline, else the version's default. */
export function policyBaseline(policy: DriftPolicy, fallback: Baseline | null): Baseline | null {
  return policy.baseline != null ? { value: policy.baseline, source: DriftBaselineSource.POLICY } : fallback;
}

/**
 * One policy judged on one served version's latest samples (newest first). The relative change is
 * (current − baseline) / |baseline|; its move in the bad direction (down when higher is better, up when
 * lower is) drifts when it exceeds maxRelativeDrop. Without a full window or a non-zero baseline: NO_DATA.
 */
export function judge(policy: DriftPolicy, versionId: string, percent: number, baseline: Baseline | null,
  samples: readonly DeploymentMetricSample[]): DriftCheck {
  const window = samples.slice(0, policy.window);
  const current = window.length >= policy.window ? window.reduce((sum, s) => sum + s.value, 0) / window.length : null;
  const relativeChange = current !== null && baseline && baseline.value !== 0 ? (current - baseline.value) / Math.abs(baseline.value) : null;
  const badMove = relativeChange === null ? null : policy.higherIsBetter ? -relativeChange : relativeChange;
  const drifting = badMove !== null && badMove > policy.maxRelativeDrop;
  return {
    metric: policy.metric, versionId, percent,
    baseline: baseline?.value ?? null, baselineSource: baseline?.source ?? null,
    current, window: policy.window, samples: window.length, relativeChange,
    maxRelativeDrop: policy.maxRelativeDrop, higherIsBetter: policy.higherIsBetter,
    drifting, status: relativeChange === null ? DriftState.NO_DATA : drifting ? DriftState.DRIFTING : DriftState.OK,
    lastSampleAt: window[0]?.at ?? null,
  };
}

/** DRIFTING if any check drifts; NO_DATA when no check could be judged; else OK. */
export function overall(checks: readonly DriftCheck[]): DriftState {
  if (checks.some((c) => c.drifting)) return DriftState.DRIFTING;
  return checks.some((c) => c.status === DriftState.OK) ? DriftState.OK : DriftState.NO_DATA;
}
