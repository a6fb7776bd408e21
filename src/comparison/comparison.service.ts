import { NotFoundError } from '../common/errors';
import { isIdOf } from '../common/ids';
import { present, type Loaders } from '../common/loaders';
import { latestMetricsByEntity, type Metric } from '../common/metrics';
import type { JsonValue } from '../common/scalars';
import { tagsByEntity } from '../common/tags';
import { datasetVersionById } from '../dataset/dataset.loaders';
import { latestEvaluationMetrics } from '../evaluation/latest-points';
import { effectiveHyperparameters } from '../lineage/reproducibility';
import type { ModelVersion } from '../model-version/model-version.entity';
import { datasetsOfVersion, versionById } from '../model-version/model-version.loaders';
import { directionsOfModel } from './metric-direction.loaders';
import { breakingChanges } from './signature';
import type { MetricDiff, ParamDiff, VersionComparison, VersionDatasets } from './comparison.types';

const byCodePoint = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Object keys sorted, so two equal JSON values print the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort(byCodePoint).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const LOWER_IS_BETTER = new Set(['loss', 'logloss', 'nll', 'error', 'err', 'rmse', 'mse', 'mae', 'mape', 'msle', 'rmsle', 'perplexity', 'ppl', 'wer', 'cer']);

/** Errors and losses go down; scores go up (scikit-learn's negated scores, neg_…, go up too). */
export function higherIsBetter(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words[0] === 'neg' || words[0] === 'negative') return true;
  return !words.some((w) => LOWER_IS_BETTER.has(w));
}

/** Per key (union, code-point order): each row's value or null, and whether they differ. */
function diffRows<T>(rows: Map<string, T>[]): { key: string; values: (T | null)[]; differs: boolean }[] {
  const keys = [...new Set(rows.flatMap((r) => [...r.keys()]))].sort(byCodePoint);
  return keys.map((key) => {
    const values = rows.map((r) => (r.has(key) ? r.get(key) ?? null : null));
    return { key, values, differs: new Set(values.map(canonical)).size > 1 };
  });
}

/** 0.84 − 0.81 is 0.029999999999999916 in binary floating point: 12 significant digits drop the noise, not the signal. */
const delta = (v: number, first: number): number => Number((v - first).toPrecision(12));

/**
 * One key across the versions. `directions[i]` is version i's model's direction for the key (its own, else
 * by name). When they disagree no version is best: the values are not comparable on one scale of "better".
 */
function metricDiff(key: string, versions: ModelVersion[], values: (number | null)[], directions: boolean[]): MetricDiff {
  const higher = directions[0];
  const disagree = directions.some((d) => d !== higher);
  const first = values[0];
  let best: number | null = null;
  if (!disagree) {
    values.forEach((v, i) => {
      if (v != null && (best === null || (higher ? v > values[best]! : v < values[best]!))) best = i;
    });
  }
  return {
    key, values, higherIsBetter: higher, directionsDisagree: disagree,
    deltas: values.map((v) => (v == null || first == null ? null : delta(v, first))),
    best: best === null ? null : versions[best],
  };
}

/**
 * Versions side by side from registration data (or, with a dataset version, the metrics of their evaluations
 * on it); every part is one batched load, whatever the count.
 */
export class ComparisonService {
  async compare(loaders: Loaders, ids: string[], datasetVersionId: string | null = null): Promise<VersionComparison> {
    // Both lookups in one round; an unknown version id is reported before an unknown dataset version.
    const evaluatedOn = datasetVersionId == null ? null : this.datasetVersionExists(loaders, datasetVersionId);
    evaluatedOn?.catch(() => undefined); // awaited below, unless a version id fails first
    const versions = await this.load(loaders, ids);
    if (evaluatedOn && !(await evaluatedOn)) throw new NotFoundError('DatasetVersion', datasetVersionId!, 'datasetVersionId');
    const modelIds = [...new Set(versions.map((v) => v.modelId))];
    const [metricRows, directions, tags, links] = await Promise.all([
      this.metrics(loaders, ids, datasetVersionId),
      loaders.get(directionsOfModel).loadMany(modelIds),
      loaders.get(tagsByEntity).loadMany(ids),
      loaders.get(datasetsOfVersion).loadMany(ids),
    ]);
    const own = new Map(modelIds.map((id, i) => [id, new Map(asList(directions[i]).map((d): [string, boolean] => [d.key, d.higherIsBetter]))]));
    const directionsOf = (key: string) => versions.map((v) => own.get(v.modelId)?.get(key) ?? higherIsBetter(key));
    const effective = versions.map((v) => effectiveHyperparameters(v));
    return {
      versions,
      params: diffRows(effective.map((e) => entriesOf(e.hyperparameters))) as ParamDiff[],
      paramSources: effective.map((e) => e.hyperparametersSource),
      metrics: diffRows(metricRows).map((d) => metricDiff(d.key, versions, d.values, directionsOf(d.key))),
      ...(await this.datasets(loaders, versions, links.map((l) => asList(l)))),
      tags: diffRows(tags.map((t) => new Map(asList(t).map((tag): [string, string] => [tag.key, tag.value])))),
      gitCommits: versions.map((v) => v.gitCommit),
      signatureChanges: versions.slice(1).map((v) => {
        const breaking = breakingChanges(versions[0].signature, v.signature);
        return { version: v, against: versions[0], compatible: breaking.length === 0, breaking };
      }),
    };
  }

  /** Per version, key → value: the latest registration point, or the latest evaluation point on the dataset version. */
  private async metrics(loaders: Loaders, ids: string[], datasetVersionId: string | null): Promise<Map<string, number>[]> {
    const points = datasetVersionId == null
      ? await loaders.get(latestMetricsByEntity).loadMany(ids)
      : await loaders.get(latestEvaluationMetrics, datasetVersionId).loadMany(ids);
    return points.map((p) => new Map(asList<Pick<Metric, 'key' | 'value'>>(p).map((m): [string, number] => [m.key, m.value])));
  }

  private async datasetVersionExists(loaders: Loaders, id: string): Promise<boolean> {
    return isIdOf('DatasetVersion', id) && (await loaders.get(datasetVersionById).load(id)) != null;
  }

  /** One statement for all ids; the first unknown or malformed id is NOT_FOUND naming its position. */
  private async load(loaders: Loaders, ids: string[]): Promise<ModelVersion[]> {
    const wellFormed = ids.map((id) => (isIdOf('ModelVersion', id) ? id : null));
    const rows = await loaders.get(versionById).loadMany(wellFormed.filter((id): id is string => id !== null));
    const found = new Map(present(rows).map((v): [string, ModelVersion] => [v.id, v]));
    return ids.map((id, i) => {
      const v = found.get(id);
      if (!v) throw new NotFoundError('ModelVersion', id, `ids.${i}`);
      return v;
    });
  }

  private async datasets(loaders: Loaders, versions: ModelVersion[], links: { datasetVersionId: string; role: VersionDatasets['datasets'][number]['role'] }[][]):
    Promise<Pick<VersionComparison, 'datasets' | 'sameDatasets'>> {
    const dsvIds = [...new Set(links.flat().map((l) => l.datasetVersionId))];
    const byId = new Map(present(await loaders.get(datasetVersionById).loadMany(dsvIds)).map((d) => [d.id, d]));
    const datasets = versions.map((version, i) => ({
      version,
      datasets: links[i].flatMap((l) => {
        const datasetVersion = byId.get(l.datasetVersionId);
        return datasetVersion ? [{ role: l.role, datasetVersion }] : [];
      }),
    }));
    const fingerprints = datasets.map((d) => canonical([...new Set(d.datasets.map((u) => `${u.role}:${u.datasetVersion.digest}`))].sort(byCodePoint)));
    return { datasets, sameDatasets: new Set(fingerprints).size === 1 };
  }
}

/** A loadMany item: errors are rethrown (they are unexpected here), lists pass through. */
function asList<T>(item: T[] | Error): T[] {
  if (item instanceof Error) throw item;
  return item;
}

/** The top-level entries of a JSON object; other JSON values have no keys to compare. */
function entriesOf(value: JsonValue | null): Map<string, JsonValue | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new Map();
  return new Map(Object.entries(value as Record<string, JsonValue | null>));
}
