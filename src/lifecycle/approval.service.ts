import { IsNull, type EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { ClientError, ConflictError, ErrorCode, PreconditionFailedError } from '../common/errors';
import { newId } from '../common/ids';
import { paginate, SortDirection, type Page, type PageArgs } from '../common/pagination';
import { lock } from '../common/lock';
import { Model } from '../model/model.entity';
import { ModelVersion, Stage } from '../model-version/model-version.entity';
import { AliasService } from './alias.service';
import { defaultPolicy, ModelPolicy } from './policy.entity';
import { StageService } from './stage.service';
import { ReviewDecision, TransitionRequestStatus, TransitionRequest, TransitionReview } from './transition-request.entity';

/** Omitted (undefined): unchanged; null: back to the default. */
export interface PolicyInput {
  requiredApprovals?: number | null;
  protectedAliases?: string[] | null;
  deployableStages?: Stage[] | null;
}

/** Four eyes: requests for PRODUCTION or protected aliases apply when enough other principals approve. */
export class ApprovalService {
  constructor(
    private readonly db: Database,
    private readonly stages: StageService,
    private readonly aliases: AliasService,
  ) {}

  async setPolicy(modelId: string, input: PolicyInput, actor: string): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      const stored = await em.findOneBy(ModelPolicy, { modelId: model.id });
      const row = { modelId: model.id, ...policyChange(stored ?? defaultPolicy(model.id), input), updatedBy: actor, updatedAt: now() };
      if (stored) await em.update(ModelPolicy, { modelId: model.id }, row);
      else await em.insert(ModelPolicy, row);
      return model;
    });
  }

  requestStage(versionId: string, stage: Stage, comment: string | null | undefined, actor: string): Promise<TransitionRequest> {
    return this.db.transaction(async (em) => {
      const version = await lock(this.db, ModelVersion, versionId, 'versionId');
      if (version.stage === stage) throw new PreconditionFailedError(`Version ${version.version} is already in ${stage}`);
      return this.open(em, version, { stage, alias: null }, comment, actor);
    });
  }

  requestAlias(versionId: string, alias: string, comment: string | null | undefined, actor: string): Promise<TransitionRequest> {
    return this.db.transaction(async (em) => {
      const version = await lock(this.db, ModelVersion, versionId, 'versionId');
      return this.open(em, version, { stage: null, alias }, comment, actor);
    });
  }

  private async open(em: EntityManager, version: ModelVersion, target: { stage: Stage | null; alias: string | null },
    comment: string | null | undefined, actor: string): Promise<TransitionRequest> {
    const duplicate = await em.findOneBy(TransitionRequest, {
      versionId: version.id, status: TransitionRequestStatus.PENDING, stage: target.stage ?? IsNull(), alias: target.alias ?? IsNull(),
    });
    if (duplicate) throw new ConflictError(`Request ${duplicate.id} for this change is already pending`);
    const policy = await em.findOneBy(ModelPolicy, { modelId: version.modelId });
    const at = now();
    const request = em.create(TransitionRequest, {
      id: newId('TransitionRequest'), modelId: version.modelId, versionId: version.id, ...target, status: TransitionRequestStatus.PENDING,
      requestedBy: actor, comment: comment ?? null, requiredApprovals: Math.max(1, policy?.requiredApprovals ?? 0),
      decidedAt: null, createdAt: at, updatedAt: at,
    });
    await em.insert(TransitionRequest, request);
    return request;
  }

  /**
   * Records an approval; at quorum the change applies in the same transaction (or nothing does). The
   * request's row lock serializes its reviews; applying takes the model's lock (after it: see lock order).
   */
  review(requestId: string, decision: ReviewDecision, comment: string | null | undefined, actor: string): Promise<TransitionRequest> {
    return this.db.transaction(async (em) => {
      const request = await lock(this.db, TransitionRequest, requestId, 'id');
      if (request.status !== TransitionRequestStatus.PENDING) throw new PreconditionFailedError(`Request ${request.id} is already ${request.status}`);
      if (decision === ReviewDecision.APPROVE && actor === request.requestedBy) {
        throw new ClientError('The requester cannot approve their own request', ErrorCode.FORBIDDEN);
      }
      if (await em.findOneBy(TransitionReview, { requestId: request.id, actor })) {
        throw new ConflictError(`${actor} has already reviewed request ${request.id}`);
      }
      const at = now();
      await em.insert(TransitionReview, { requestId: request.id, actor, decision, comment: comment ?? null, at });
      if (decision === ReviewDecision.REJECT) return this.close(em, request, TransitionRequestStatus.REJECTED, at);
      const approvals = await em.countBy(TransitionReview, { requestId: request.id, decision: ReviewDecision.APPROVE });
      if (approvals < request.requiredApprovals) return request;
      const note = { actor, comment: comment ?? request.comment, requestId: request.id, at };
      if (request.stage) await this.stages.transition(request.versionId, request.stage, note);
      else await this.aliases.set(request.modelId, request.alias!, request.versionId, note);
      return this.close(em, request, TransitionRequestStatus.APPLIED, at);
    });
  }

  /** The approval inbox: requests across models, newest first. */
  list(args: PageArgs, status?: TransitionRequestStatus | null): Promise<Page<TransitionRequest>> {
    const qb = this.db.manager.createQueryBuilder(TransitionRequest, 'tr');
    if (status) qb.where('tr.status = :status', { status });
    return paginate(qb, { property: 'id', direction: SortDirection.DESC }, args);
  }

  private async close(em: EntityManager, request: TransitionRequest, status: TransitionRequestStatus, at: Date): Promise<TransitionRequest> {
    await em.update(TransitionRequest, { id: request.id }, { status, decidedAt: at, updatedAt: at });
    return Object.assign(request, { status, decidedAt: at, updatedAt: at });
  }
}

const STAGE_ORDER = Object.values(Stage);

/** The policy's columns after an input: each given field replaces (null: resets), each omitted one stays. */
function policyChange(current: ModelPolicy, input: PolicyInput): Pick<ModelPolicy, 'requiredApprovals' | 'protectedAliases' | 'storedDeployableStages'> {
  const pick = <T>(given: T | null | undefined, kept: T, reset: T): T => (given === undefined ? kept : given ?? reset);
  const stages = pick(input.deployableStages, current.storedDeployableStages, null);
  return {
    requiredApprovals: pick(input.requiredApprovals, current.requiredApprovals, 0),
    protectedAliases: [...new Set(pick(input.protectedAliases, current.protectedAliases, []))].sort(),
    storedDeployableStages: stages && [...new Set(stages)].sort((a, b) => STAGE_ORDER.indexOf(a) - STAGE_ORDER.indexOf(b)),
  };
}
