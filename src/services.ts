import type { Database } from './db/database';
import { ArchivalService } from './archival/archival.service';
import { ComparisonService } from './comparison/comparison.service';
import { MetricDirectionService } from './comparison/metric-direction.service';
import { DatasetService } from './dataset/dataset.service';
import { DeploymentService } from './deployment/deployment.service';
import { ExperimentService } from './experiment/experiment.service';
import { NodeService } from './node/node.service';
import { LineageService } from './lineage/lineage.service';
import { AliasService } from './lifecycle/alias.service';
import { ApprovalService } from './lifecycle/approval.service';
import { StageService } from './lifecycle/stage.service';
import { RolloutService } from './deployment/rollout.service';
import { ModelService } from './model/model.service';
import { ModelVersionService } from './model-version/model-version.service';
import { RunService } from './run/run.service';
import { EvaluationService } from './evaluation/evaluation.service';
import { GrantService } from './auth/grant.service';
import { TokenService } from './auth/token.service';
import { AuditService } from './audit/audit.service';
import { DriftService } from './monitoring/drift.service';
import { WebhookService } from './webhooks/webhook.service';

/** One instance of each service per process; resolvers reach them through the context. */
export interface Services {
  experiments: ExperimentService;
  runs: RunService;
  models: ModelService;
  versions: ModelVersionService;
  datasets: DatasetService;
  deployments: DeploymentService;
  lineage: LineageService;
  stages: StageService;
  aliases: AliasService;
  approvals: ApprovalService;
  rollouts: RolloutService;
  nodes: NodeService;
  comparison: ComparisonService;
  metricDirections: MetricDirectionService;
  evaluations: EvaluationService;
  tokens: TokenService;
  grants: GrantService;
  archival: ArchivalService;
  audit: AuditService;
  drift: DriftService;
  webhooks: WebhookService;
}

export interface ServiceOptions {
  /** DRIFT_SAMPLE_RETENTION_DAYS. */
  driftSampleRetentionDays: number;
}

export function createServices(db: Database, options: ServiceOptions = { driftSampleRetentionDays: 30 }): Services {
  const stages = new StageService(db);
  const aliases = new AliasService(db);
  return {
    stages,
    aliases,
    approvals: new ApprovalService(db, stages, aliases),
    rollouts: new RolloutService(db),
    nodes: new NodeService(db),
    evaluations: new EvaluationService(db),
    experiments: new ExperimentService(db),
    runs: new RunService(db),
    models: new ModelService(db),
    versions: new ModelVersionService(db),
    datasets: new DatasetService(db),
    deployments: new DeploymentService(db),
    lineage: new LineageService(db),
    comparison: new ComparisonService(),
    tokens: new TokenService(db),
    grants: new GrantService(db),
    metricDirections: new MetricDirectionService(db),
    archival: new ArchivalService(db),
    audit: new AuditService(db),
    drift: new DriftService(db, options.driftSampleRetentionDays),
    webhooks: new WebhookService(db),
  };
}
