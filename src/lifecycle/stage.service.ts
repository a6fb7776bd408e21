import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { PreconditionFailedError } from '../common/errors';
import { requireRow } from '../common/lookup';
import { Model } from '../model/model.entity';
import { ModelVersion, Stage } from '../model-version/model-version.entity';
import { ModelPolicy } from './policy.entity';
import { recordTransition, TransitionKind, type TransitionNote } from './stage-history';
import { StageTransition } from './stage-transition.entity';

/** Stage rules: every stage may move to every other; PRODUCTION is exclusive; each change is one history row. */
export class StageService {
  constructor(private readonly db: Database) {}

  transition(versionId: string, stage: Stage, note: TransitionNote): Promise<ModelVersion> {
    return this.db.transaction(async (em) => {
      const version = await this.lockVersion(em, versionId, 'versionId');
      if (stage === Stage.PRODUCTION) {
        const policy = await em.findOneBy(ModelPolicy, { modelId: version.modelId });
        if (policy && policy.requiredApprovals > 0) {
          throw new PreconditionFailedError(`PRODUCTION for this model needs ${policy.requiredApprovals} approval(s): use requestStageTransition`);
        }
      }
      await this.apply(em, version, stage, note);
      return version;
    });
  }

  /** Within a transaction holding the model lock: the move, and the archiving of the previous PRODUCTION holder. */
  async apply(em: EntityManager, version: ModelVersion, stage: Stage, given: TransitionNote): Promise<void> {
    if (version.stage === stage) throw new PreconditionFailedError(`Version ${version.version} is already in ${stage}`);
    const note = { ...given, at: given.at ?? now() }; // one instant: no moment with both or neither in PRODUCTION
    if (stage === Stage.PRODUCTION) {
      const holder = await em.findOne(ModelVersion, { where: { modelId: version.modelId, stage: Stage.PRODUCTION }, ...this.db.lockOption() });
      if (holder && holder.id !== version.id) await recordTransition(em, holder, Stage.ARCHIVED, TransitionKind.ARCHIVED_BY_PROMOTION, note);
    }
    await recordTransition(em, version, stage, TransitionKind.TRANSITION, note);
  }

  /**
   * Restores the version that held PRODUCTION before the current one. History is replayed as a stack:
   * a promotion pushes, a rollback pops (so a second rollback goes one further back, skipping versions
   * rolled back away from), a manual move out of PRODUCTION removes that version.
   */
  rollback(modelId: string, stage: Stage, given: TransitionNote): Promise<ModelVersion> {
    const note = { ...given, at: given.at ?? now() };
    return this.db.transaction(async (em) => {
      await requireRow(em, Model, 'Model', modelId, 'modelId', this.db.lockClause());
      const history = await em.createQueryBuilder(StageTransition, 'st')
        .where('st.modelId = :modelId', { modelId })
        .andWhere('(st.toStage = :p OR st.fromStage = :p)', { p: Stage.PRODUCTION })
        .orderBy('st.id', 'ASC')
        .getMany();
      const stack: string[] = [];
      for (const row of history) {
        const remove = () => stack.includes(row.versionId) && stack.splice(stack.indexOf(row.versionId), 1);
        if (row.toStage === Stage.PRODUCTION) {
          remove();
          stack.push(row.versionId);
        } else if (row.kind !== TransitionKind.ARCHIVED_BY_PROMOTION) {
          remove();
        }
      }
      const current = await em.findOne(ModelVersion, { where: { modelId, stage: Stage.PRODUCTION }, ...this.db.lockOption() });
      const candidates = stack.filter((id) => id !== current?.id);
      const targetId = candidates[candidates.length - 1];
      if (!targetId) throw new PreconditionFailedError('There is no earlier PRODUCTION version to roll back to');
      const target = (await em.findOne(ModelVersion, { where: { id: targetId }, ...this.db.lockOption() }))!;
      if (current) await recordTransition(em, current, Stage.ARCHIVED, TransitionKind.ROLLBACK, note);
      await recordTransition(em, target, Stage.PRODUCTION, TransitionKind.ROLLBACK, note);
      return target;
    });
  }

  /** Locks the version's model (serializing all stage and alias changes of the model), then reads the version. */
  async lockVersion(em: EntityManager, versionId: string, field: string): Promise<ModelVersion> {
    const version = await requireRow(em, ModelVersion, 'ModelVersion', versionId, field);
    await this.lockModel(em, version.modelId);
    return (await em.findOne(ModelVersion, { where: { id: versionId }, ...this.db.lockOption() }))!;
  }

  /** The model row lock that every stage, alias and approval change of one model takes first. */
  async lockModel(em: EntityManager, modelId: string): Promise<void> {
    await em.findOne(Model, { where: { id: modelId }, ...this.db.lockOption() });
  }
}
