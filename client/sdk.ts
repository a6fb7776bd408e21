import {
  AuditEventsDocument,
  CompareVersionsDocument,
  CreateModelVersionDocument,
  DatasetsDocument,
  DeployDocument,
  DeploymentDocument,
  ExperimentRunsDocument,
  LineageDocument,
  ModelDocument,
  ModelRefDocument,
  ModelsDocument,
  RecentRunsDocument,
  RegisterModelDocument,
  RollbackDeploymentDocument,
  RollbackStageDocument,
  SetAliasDocument,
  TransitionStageDocument,
  VersionRefDocument,
  type AuditEventsQuery,
  type CompareVersionsQuery,
  type CreateModelVersionMutation,
  type DatasetRole,
  type DatasetsQuery,
  type DeploymentFieldsFragment,
  type EventType,
  type LineageDirection,
  type LineageQuery,
  type ModelQuery,
  type ModelsQuery,
  type RegisterModelMutation,
  type RunRowFragment,
  type SetAliasMutation,
  type Stage,
  type TransitionStageMutation,
  type RollbackStageMutation,
  type VersionBump,
  type VersioningScheme,
} from './generated/graphql';
import { createRegistryClient, RegistryError, type RegistryClient, type RegistryClientOptions } from './registry-client';

export type ModelList = ModelsQuery['models'];
export type AuditEvents = AuditEventsQuery['auditEvents'];
/** Filters of the audit feed; `action` is an EventType name. */
export interface AuditOptions { entityId?: string; actor?: string; action?: EventType; first?: number }
export type ModelWithVersions = NonNullable<ModelQuery['model']>;
export type RegisteredVersion = CreateModelVersionMutation['createModelVersion'];
export type LineageGraph = LineageQuery['lineage'];
export type Comparison = CompareVersionsQuery['compareVersions'];
export type DatasetList = DatasetsQuery['datasets'];
export type Deployment = DeploymentFieldsFragment;
export type RunRow = RunRowFragment;

export interface RegisterOptions {
  artifactUri: string;
  artifactDigest?: string;
  runId?: string;
  datasets?: { datasetVersionId: string; role?: DatasetRole }[];
  metrics?: Record<string, number>;
  bump?: VersionBump;
  version?: string;
  idempotencyKey?: string;
  description?: string;
}

/** NOT_FOUND the way the server words it for a mutation argument, for lookups the client makes by name. */
function notFound(what: string, field: string): RegistryError {
  return new RegistryError(`${what} not found`, 'NOT_FOUND', [{ message: `${what} not found`, extensions: { code: 'NOT_FOUND', field } }]);
}

/**
 * The registry's everyday jobs as typed functions over the generated documents (client/operations/).
 * Every failure is a RegistryError with the server's `code` (and `field` for bad input).
 */
export function createClient(options: RegistryClientOptions) {
  const client: RegistryClient = createRegistryClient(options);

  const modelId = async (name: string): Promise<string> => {
    const { model } = await client.request(ModelRefDocument, { name });
    if (!model) throw notFound(`model ${JSON.stringify(name)}`, 'model');
    return model.id;
  };
  const versionRef = async (model: string, version: string) => {
    const { modelVersion } = await client.request(VersionRefDocument, { model, version });
    if (!modelVersion) throw notFound(`version ${JSON.stringify(version)} of model ${JSON.stringify(model)}`, 'version');
    return modelVersion;
  };
  const versionId = async (model: string, version: string): Promise<string> => (await versionRef(model, version)).id;
  const deploymentByName = async (name: string): Promise<Deployment> => {
    const { deployment } = await client.request(DeploymentDocument, { name });
    if (!deployment) throw notFound(`deployment ${JSON.stringify(name)}`, 'deployment');
    return deployment;
  };

  return {
    /** The underlying client, for any generated document. */
    raw: client,
    versionId,

    async models(variables: { first?: number; after?: string } = {}): Promise<ModelList> {
      return (await client.request(ModelsDocument, variables)).models;
    },

    /** The model with a page of its versions, newest first. */
    async versions(model: string, variables: { first?: number; after?: string; stage?: Stage } = {}): Promise<ModelWithVersions> {
      const { stage, ...page } = variables;
      const result = await client.request(ModelDocument, { name: model, ...page, filter: stage ? { stage } : undefined });
      if (!result.model) throw notFound(`model ${JSON.stringify(model)}`, 'model');
      return result.model;
    },

    /** A new model (CONFLICT if the name is taken). */
    async createModel(name: string, options: { versioningScheme?: VersioningScheme; description?: string } = {}): Promise<RegisterModelMutation['registerModel']> {
      return (await client.request(RegisterModelDocument, { input: { name, ...options } })).registerModel;
    },

    async register(model: string, input: RegisterOptions): Promise<RegisteredVersion> {
      const metrics = Object.entries(input.metrics ?? {}).map(([key, value]) => ({ key, value }));
      const { createModelVersion } = await client.request(CreateModelVersionDocument, {
        input: {
          modelName: model,
          artifactUri: input.artifactUri,
          artifactDigest: input.artifactDigest,
          runId: input.runId,
          datasets: input.datasets?.map((d) => ({ datasetVersionId: d.datasetVersionId, role: d.role ?? 'TRAINING' })),
          metrics: metrics.length ? metrics : undefined,
          bump: input.bump,
          version: input.version,
          idempotencyKey: input.idempotencyKey,
          description: input.description,
        },
      });
      return createModelVersion;
    },

    async promote(model: string, version: string, stage: Stage, comment?: string): Promise<TransitionStageMutation['transitionStage']> {
      const id = await versionId(model, version);
      return (await client.request(TransitionStageDocument, { versionId: id, stage, comment })).transitionStage;
    },

    async setAlias(model: string, alias: string, version: string, comment?: string): Promise<SetAliasMutation['setAlias']> {
      const ref = await versionRef(model, version);
      return (await client.request(SetAliasDocument, { modelId: ref.model.id, alias, versionId: ref.id, comment })).setAlias;
    },

    async rollback(model: string, stage: Stage = 'PRODUCTION', comment?: string): Promise<RollbackStageMutation['rollbackStage']> {
      return (await client.request(RollbackStageDocument, { modelId: await modelId(model), stage, comment })).rollbackStage;
    },

    deployment: deploymentByName,

    /** A new revision: `split` maps version labels of the deployment's model to whole percents summing to 100. */
    async deploy(deployment: string, split: Record<string, number>, options: { expectedRevision?: number; comment?: string } = {}): Promise<Deployment> {
      const current = await deploymentByName(deployment);
      const traffic = await Promise.all(Object.entries(split).map(async ([label, percent]) => ({
        versionId: await versionId(current.model.name, label),
        percent,
      })));
      return (await client.request(DeployDocument, { deploymentId: current.id, traffic, ...options })).deploy;
    },

    async rollbackDeployment(deployment: string, options: { toRevision?: number; expectedRevision?: number; comment?: string } = {}): Promise<Deployment> {
      const current = await deploymentByName(deployment);
      return (await client.request(RollbackDeploymentDocument, { deploymentId: current.id, ...options })).rollbackDeployment;
    },

    async lineage(id: string, options: { direction?: LineageDirection; maxDepth?: number; first?: number } = {}): Promise<LineageGraph> {
      const { lineage } = await client.request(LineageDocument, {
        id, direction: options.direction ?? 'BOTH', maxDepth: options.maxDepth ?? 10, first: options.first ?? 500,
      });
      return lineage;
    },

    async compare(ids: string[]): Promise<Comparison> {
      return (await client.request(CompareVersionsDocument, { ids })).compareVersions;
    },

    /** Runs of one experiment (by name), or the newest runs of the newest experiments; newest first. */
    async runs(options: { experiment?: string; first?: number } = {}): Promise<RunRow[]> {
      if (options.experiment !== undefined) {
        const { experiment } = await client.request(ExperimentRunsDocument, { name: options.experiment, first: options.first });
        if (!experiment) throw notFound(`experiment ${JSON.stringify(options.experiment)}`, 'experiment');
        return experiment.runs.edges.map((e) => e.node);
      }
      const { experiments } = await client.request(RecentRunsDocument, { experiments: 20, runs: options.first });
      return experiments.edges.flatMap((e) => e.node.runs.edges.map((r) => r.node))
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    },

    /** The audit log, newest first: who changed what, when. */
    async audit(options: AuditOptions = {}): Promise<AuditEvents> {
      const { first, ...filter } = options;
      return (await client.request(AuditEventsDocument, { filter, first })).auditEvents;
    },

    async datasets(variables: { first?: number; after?: string } = {}): Promise<DatasetList> {
      return (await client.request(DatasetsDocument, variables)).datasets;
    },
  };
}

export type Client = ReturnType<typeof createClient>;
