import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import type { ModelVersion, Stage } from '../model-version/model-version.entity';
import { StageTransition, TransitionKind } from './stage-transition.entity';

/** Who changes a stage or an alias, why, and (when an approved request applies it) which request. */
export interface TransitionNote extends Caller {
  comment?: string | null;
  /** The approved TransitionRequest this change applies. */
  transitionRequestId?: string | null;
  at?: Date;
}

/**
 * Moves a version to a stage and appends its history row, in the caller's transaction, with its
 * STAGE_TRANSITIONED event (a registration's CREATED row has none: MODEL_VERSION_CREATED says it).
 */
export async function recordTransition(db: Database, em: EntityManager, version: ModelVersion, to: Stage, kind: TransitionKind,
  note: TransitionNote): Promise<void> {
  const at = note.at ?? now();
  const from = kind === TransitionKind.CREATED ? null : version.stage;
  await em.insert(StageTransition, {
    modelId: version.modelId, versionId: version.id, fromStage: from, toStage: to, kind,
    actor: note.actor, comment: note.comment ?? null, requestId: note.transitionRequestId ?? null, at,
  });
  if (kind === TransitionKind.CREATED) return;
  await em.update('ModelVersion', { id: version.id }, { stage: to, updatedAt: at });
  Object.assign(version, { stage: to, updatedAt: at });
  await recordEvent(db, note, {
    action: EventType.STAGE_TRANSITIONED, entityType: 'ModelVersion', entityId: version.id,
    before: { stage: from },
    after: {
      stage: to, kind, modelId: version.modelId,
      ...(note.transitionRequestId ? { transitionRequestId: note.transitionRequestId } : {}),
      ...(note.comment ? { comment: note.comment } : {}),
    },
  });
}

export { TransitionKind };
