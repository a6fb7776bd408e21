import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { PreconditionFailedError } from '../common/errors';
import { lock } from '../common/lock';
import { Model } from '../model/model.entity';
import { ModelVersion, Stage } from '../model-version/model-version.entity';
import { ModelPolicy } from './policy.entity';
import { recordTransition, TransitionKind, type TransitionNote } from './stage-history';
import { StageTransition } from './stage-transition.entity';

/** Stage rules: every stage may move to every other; PRODUCTION is exclusive; each change is one history row. */
export class StageService {
  constructor(private readonly db: Database) {}

  /**
   * Moves a version to a stage; promoting to PRODUCTION archives the previous holder at the same instant.
   * A model whose policy requires approvals reaches PRODUCTION only through an approved request: the
   * move that applies it carries the request's id (`note.transitionRequestId`).
   */
  transition(versionId: string, stage: Stage, given: TransitionNote): Promise<ModelVersion> {
    return this.db.transaction(async (em) => {
      const version = await lock(this.db, ModelVersion, versionId, 'versionId');
      if (stage === Stage.PRODUCTION && given.transitionRequestId == null) {
        const policy = await em.findOneBy(ModelPolicy, { modelId: version.modelId });
        if (policy && policy.requiredApprovals > 0) {
          throw new PreconditionFailedError(`PRODUCTION for this model needs ${policy.requiredApprovals} approval(s): use requestStageTransition`);
        }
      }
      if (version.stage === stage) throw new PreconditionFailedError(`Version ${version.version} is already in ${stage}`);
      const note = { ...given, at: given.at ?? now() }; // one instant: no moment with both or neither in PRODUCTION
      if (stage === Stage.PRODUCTION) {
        const holder = await lock(this.db, ModelVersion, { modelId: version.modelId, stage: Stage.PRODUCTION });
        if (holder && holder.id !== version.id) await recordTransition(this.db, em, holder, Stage.ARCHIVED, TransitionKind.ARCHIVED_BY_PROMOTION, note);
      }
      await recordTransition(this.db, em, version, stage, TransitionKind.TRANSITION, note);
      return version;
    });
  }

  /**
   * Restores the version that held PRODUCTION before the current one. History is replayed as a stack:
   * a promotion pushes, a rollback pops (so a second rollback goes one further back, skipping versions
   * rolled back away from), a manual move out of PRODUCTION removes that version.
   */
  rollback(modelId: string, stage: Stage, given: TransitionNote): Promise<ModelVersion> {
    const note = { ...given, at: given.at ?? now() };
    return this.db.transaction(async (em) => {
      await lock(this.db, Model, modelId, 'modelId');
      const history = await em.createQueryBuilder(StageTransition, 'st')
        .where('st.modelId = :modelId', { modelId })
        .andWhere('(st.toStage = :p OR st.fromStage = :p)', { p: Stage.PRODUCTION })
        .orderBy('st.sequence', 'ASC')
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
      const current = await lock(this.db, ModelVersion, { modelId, stage: Stage.PRODUCTION });
      const candidates = stack.filter((id) => id !== current?.id);
      const targetId = candidates[candidates.length - 1];
      if (!targetId) throw new PreconditionFailedError('There is no earlier PRODUCTION version to roll back to');
      const target = (await lock(this.db, ModelVersion, { id: targetId, modelId }))!;
      if (current) await recordTransition(this.db, em, current, Stage.ARCHIVED, TransitionKind.ROLLBACK, note);
      await recordTransition(this.db, em, target, Stage.PRODUCTION, TransitionKind.ROLLBACK, note);
      return target;
    });
  }
}
