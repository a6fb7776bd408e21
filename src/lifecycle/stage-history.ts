import type { EntityManager } from 'typeorm';
import { now } from '../common/base.entity';
import type { ModelVersion, Stage } from '../model-version/model-version.entity';
import { StageTransition, TransitionKind } from './stage-transition.entity';

export interface TransitionNote {
  actor: string;
  comment?: string | null;
  requestId?: string | null;
  at?: Date;
}

/** Moves a version to a stage and appends its history row, in the caller's transaction. */
export async function recordTransition(em: EntityManager, version: ModelVersion, to: Stage, kind: TransitionKind, note: TransitionNote): Promise<void> {
  const at = note.at ?? now();
  const from = kind === TransitionKind.CREATED ? null : version.stage;
  await em.insert(StageTransition, {
    modelId: version.modelId, versionId: version.id, fromStage: from, toStage: to, kind,
    actor: note.actor, comment: note.comment ?? null, requestId: note.requestId ?? null, at,
  });
  if (kind !== TransitionKind.CREATED) {
    await em.update('ModelVersion', { id: version.id }, { stage: to, updatedAt: at });
    Object.assign(version, { stage: to, updatedAt: at });
  }
}

export { TransitionKind };
