import type { Database } from '../db/database';
import { PreconditionFailedError } from '../common/errors';
import { lock } from '../common/lock';
import { ModelVersion } from '../model-version/model-version.entity';
import { DEFAULT_DEPLOYABLE_STAGES, ModelPolicy } from './policy.entity';

/**
 * Deploy's policy check: every version the traffic names must be in one of the model's deployable stages.
 * The stages are read under the versions' row locks (taken after the model's, see the lock order in
 * common/lock.ts), the policy under its own, so no stage or policy change slips between this check and the
 * new revision.
 * Rollbacks are not checked: restoring an earlier revision must never wait for a policy.
 */
export async function requireDeployable(db: Database, modelId: string, versionIds: string[]): Promise<void> {
  const locked: ModelVersion[] = [];
  for (const id of [...versionIds].sort()) {
    const version = await lock(db, ModelVersion, { id, modelId });
    if (version) locked.push(version);
  }
  // A locking read: it sees the policy as last committed (a plain read could see the transaction's older snapshot).
  const policy = await lock(db, ModelPolicy, { modelId });
  const allowed = policy?.deployableStages ?? [...DEFAULT_DEPLOYABLE_STAGES];
  const refused = locked.find((v) => !allowed.includes(v.stage));
  if (refused) {
    throw new PreconditionFailedError(
      `Version ${refused.version} (${refused.id}) is in ${refused.stage}: this model deploys only versions in ${allowed.join(', ')}`,
    );
  }
}
