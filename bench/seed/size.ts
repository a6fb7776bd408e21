/** How much data the bench seeds. `--scale N` multiplies the counts; the lineage chain stays 1,000 deep. */
export interface SeedSize {
  models: number;
  versionsPerModel: number;
  experiments: number;
  runsPerExperiment: number;
  datasets: number;
  versionsPerDataset: number;
  deployments: number;
  /** Versions in the parent chain of one extra model (its tip is the 1,000-deep lineage root). */
  chainDepth: number;
}

/** 200 models × 50 versions, 100 experiments × 50 runs, 100 datasets × 20 versions, 500 deployments. */
export const DEFAULT_SIZE: SeedSize = {
  models: 200,
  versionsPerModel: 50,
  experiments: 100,
  runsPerExperiment: 50,
  datasets: 100,
  versionsPerDataset: 20,
  deployments: 500,
  chainDepth: 1000,
};

/** The CI smoke size: every shape present, small enough to seed in seconds. */
export const QUICK_SIZE: SeedSize = {
  models: 10,
  versionsPerModel: 10,
  experiments: 5,
  runsPerExperiment: 10,
  datasets: 10,
  versionsPerDataset: 10,
  deployments: 10,
  chainDepth: 1000,
};

export function scaled(base: SeedSize, scale: number): SeedSize {
  const n = (v: number) => Math.max(1, Math.round(v * scale));
  return {
    ...base,
    models: n(base.models),
    experiments: n(base.experiments),
    datasets: n(base.datasets),
    deployments: n(base.deployments),
  };
}

export const totals = (s: SeedSize) => ({
  modelVersions: s.models * s.versionsPerModel + s.chainDepth + 1,
  runs: s.experiments * s.runsPerExperiment,
  datasetVersions: s.datasets * s.versionsPerDataset,
  deployments: s.deployments,
});
