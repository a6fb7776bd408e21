import type { TestApp } from './app';

export const DIGEST = `sha256:${'a'.repeat(64)}`;
export const digestOf = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

let counter = 0;
export const unique = (prefix: string): string => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** Chained seed factories through the public GraphQL API: seed(t).model().version()… (as `headers`' caller). */
export function seed(t: TestApp, headers: Record<string, string> = {}) {
  return {
    async experiment(name = unique('exp')): Promise<{ id: string; name: string }> {
      const d = await t.ok<{ createExperiment: { id: string; name: string } }>(
        'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id name } }', { i: { name } }, headers);
      return d.createExperiment;
    },
    async run(experimentId: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> {
      const d = await t.ok<{ startRun: { id: string } }>(
        'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', { i: { experimentId, ...extra } }, headers);
      return d.startRun;
    },
    async model(name = unique('model'), versioningScheme = 'INTEGER'): Promise<{ id: string; name: string }> {
      const d = await t.ok<{ registerModel: { id: string; name: string } }>(
        'mutation($i: RegisterModelInput!) { registerModel(input: $i) { id name } }', { i: { name, versioningScheme } }, headers);
      return d.registerModel;
    },
    async version(modelId: string, extra: Record<string, unknown> = {}): Promise<{ id: string; version: string; sequence: number }> {
      const d = await t.ok<{ createModelVersion: { id: string; version: string; sequence: number } }>(
        'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id version sequence } }',
        { i: { modelId, artifactUri: 's3://models/artifact', ...extra } }, headers);
      return d.createModelVersion;
    },
    async dataset(name = unique('ds')): Promise<{ id: string; name: string }> {
      const d = await t.ok<{ createDataset: { id: string; name: string } }>(
        'mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id name } }', { i: { name } }, headers);
      return d.createDataset;
    },
    async datasetVersion(datasetId: string, extra: Record<string, unknown> = {}): Promise<{ id: string; version: string }> {
      const d = await t.ok<{ createDatasetVersion: { id: string; version: string } }>(
        'mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id version } }',
        { i: { datasetId, uri: 's3://data/part', digest: DIGEST, ...extra } }, headers);
      return d.createDatasetVersion;
    },
    async deployment(modelId: string, name = unique('dep')): Promise<{ id: string; name: string }> {
      const d = await t.ok<{ createDeployment: { id: string; name: string } }>(
        'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id name } }',
        { i: { name, modelId, environment: 'production' } }, headers);
      return d.createDeployment;
    },
    /** A model with two versions and a deployment that serves nothing yet. */
    async deploymentFixture() {
      const m = await this.model();
      const [v1, v2] = [await this.version(m.id), await this.version(m.id)];
      const d = await this.deployment(m.id);
      return { m, v1, v2, d };
    },
  };
}
