import { IsNull, type EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { ClientError, ConflictError, ErrorCode, PreconditionFailedError } from '../common/errors';
import { newId } from '../common/ids';
import { paginate, SortDirection, type Page, type PageArgs } from '../common/pagination';
import { lock } from '../common/lock';
import { Model } from '../model/model.entity';
import { ModelVersion, Stage } from '../model-version/model-version.entity';
import { AliasService } from './alias.service';
import { defaultPolicy, ModelPolicy } from './policy.entity';
import type { TransitionNote } from './stage-history';
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

  async setPolicy(modelId: string, input: PolicyInput, caller: Caller): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      const stored = await em.findOneBy(ModelPolicy, { modelId: model.id });
      const current = stored ?? defaultPolicy(model.id);
      const change = policyChange(current, input);
      const row = { modelId: model.id, ...change, updatedBy: caller.actor, updatedAt: now() };
      if (stored) await em.update(ModelPolicy, { modelId: model.id }, row);
      else await em.insert(ModelPolicy, row);
      const state = (p: Pick<ModelPolicy, 'requiredApprovals' | 'protectedAliases' | 'storedDeployableStages'>) => ({
        requiredApprovals: p.requiredApprovals, protectedAliases: p.protectedAliases, deployableStages: p.storedDeployableStages,
      });
      const [before, after] = [state(current), state(change)];
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        await recordEvent(this.db, caller, { action: EventType.MODEL_POLICY_CHANGED, entityType: 'Model', entityId: model.id, before, after });
      }
      return model;
    });
  }

  requestStage(versionId: string, stage: Stage, note: TransitionNote): Promise<TransitionRequest> {
    return this.db.transaction(async (em) => {
      const version = await lock(this.db, ModelVersion, versionId, 'versionId');
      if (version.stage === stage) throw new PreconditionFailedError(`Version ${version.version} is already in ${stage}`);
      return this.open(em, version, { stage, alias: null }, note);
    });
  }

  requestAlias(versionId: string, alias: string, note: TransitionNote): Promise<TransitionRequest> {
    return this.db.transaction(async (em) => {
      const version = await lock(this.db, ModelVersion, versionId, 'versionId');
      return this.open(em, version, { stage: null, alias }, note);
    });
  }

  private async open(em: EntityManager, version: ModelVersion, target: { stage: Stage | null; alias: string | null },
    note: TransitionNote): Promise<TransitionRequest> {
    const { actor, comment } = note;
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
    await recordEvent(this.db, note, {
      action: EventType.TRANSITION_REQUESTED, entityType: 'TransitionRequest', entityId: request.id,
      after: {
        modelId: request.modelId, versionId: request.versionId, stage: request.stage, alias: request.alias, status: request.status,
        requiredApprovals: request.requiredApprovals, comment: request.comment,
      },
    });
    return request;
  }

  /**
   * Records an approval; at quorum the change applies in the same transaction (or nothing does). The
   * request's row lock serializes its reviews; applying takes the model's lock (after it: see lock order).
   */
  review(requestId: string, decision: ReviewDecision, given: TransitionNote): Promise<TransitionRequest> {
    const { actor, comment } = given;
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
      const reviewed = (action: EventType, after: object) => recordEvent(this.db, given, {
        action, entityType: 'TransitionRequest', entityId: request.id,
        before: { status: TransitionRequestStatus.PENDING }, after: { ...after, ...(comment ? { comment } : {}) },
      });
      if (decision === ReviewDecision.REJECT) {
        await reviewed(EventType.TRANSITION_REJECTED, { status: TransitionRequestStatus.REJECTED });
        return this.close(em, request, TransitionRequestStatus.REJECTED, at);
      }
      const approvals = await em.countBy(TransitionReview, { requestId: request.id, decision: ReviewDecision.APPROVE });
      const quorum = approvals >= request.requiredApprovals;
      const status = quorum ? TransitionRequestStatus.APPLIED : TransitionRequestStatus.PENDING;
      await reviewed(EventType.TRANSITION_APPROVED, { status, approvals, requiredApprovals: request.requiredApprovals });
      if (!quorum) return request;
      const note = { ...given, comment: comment ?? request.comment, transitionRequestId: request.id, at };
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
