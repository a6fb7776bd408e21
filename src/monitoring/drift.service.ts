import { In } from 'typeorm';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError } from '../common/errors';
import { isIdOf } from '../common/ids';
import { lock } from '../common/lock';
import type { MetricInput } from '../common/metrics';
import type { Database } from '../db/database';
import { Deployment } from '../deployment/deployment.entity';
import { TrafficRow } from '../deployment/deployment-revision.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { DeploymentMetricSample, DriftPolicy, DriftState, DriftStateRow } from './drift.entity';
import type { DriftPolicyInput } from './drift.inputs';
import { baselineOf, defaultBaselines, judge, latestSamples, policyBaseline, seriesId } from './drift.judge';
import { pruneOccasionally } from './retention';

/** Samples per INSERT statement (5 parameters each: well under every engine's parameter limit). */
export const INSERT_BATCH = 500;
/** Keys named in a DEPLOYMENT_METRICS_RECORDED event (the count is always there). */
const KEYS_IN_EVENT = 100;

const byCodePoint = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Production metric samples of deployments and the drift policies judged on them. */
export class DriftService {
  constructor(private readonly db: Database, private readonly retentionDays: number) {}

  /**
   * Stores samples (in batches) and judges the deployment's policies of the recorded keys on the version's
   * latest samples, under the deployment's row lock: a judgement that changes a (version, metric) state
   * records DRIFT_DETECTED or DRIFT_RESOLVED in this transaction, so a crossing is recorded exactly once.
   */
  async record(deploymentId: string, metrics: MetricInput[], at: Date | null | undefined, versionId: string | null | undefined,
    caller: Caller): Promise<Deployment> {
    const deployment = await this.db.transaction(async (em) => {
      const locked = await lock(this.db, Deployment, deploymentId, 'deploymentId');
      const version = await this.servedVersion(locked, versionId);
      const fallback = at ?? now();
      const rows = metrics.map((m) => ({ deploymentId: locked.id, versionId: version, key: m.key, value: m.value, at: m.timestamp ?? fallback }));
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await em.createQueryBuilder().insert().into(DeploymentMetricSample).values(rows.slice(i, i + INSERT_BATCH)).updateEntity(false).execute();
      }
      const keys = [...new Set(rows.map((r) => r.key))].sort(byCodePoint);
      await recordEvent(this.db, caller, {
        action: EventType.DEPLOYMENT_METRICS_RECORDED, entityType: 'Deployment', entityId: locked.id,
        after: { versionId: version, samples: rows.length, keyCount: keys.length, keys: keys.slice(0, KEYS_IN_EVENT) },
      });
      if (version) await this.judgeRecorded(locked.id, version, keys, caller);
      return locked;
    });
    await pruneOccasionally(this.db, this.retentionDays);
    return deployment;
  }

  /** The version the samples belong to: the given one (of the deployment's model), else the one served. */
  private async servedVersion(deployment: Deployment, versionId: string | null | undefined): Promise<string | null> {
    const em = this.db.manager;
    if (versionId != null) {
      const version = isIdOf('ModelVersion', versionId) ? await em.findOneBy(ModelVersion, { id: versionId }) : null;
      if (!version) throw new NotFoundError('ModelVersion', versionId, 'versionId');
      if (version.modelId !== deployment.modelId) throw new BadInputError('versionId', 'belongs to another model than the deployment');
      return version.id;
    }
    const served = deployment.revision > 0 ? await em.findBy(TrafficRow, { deploymentId: deployment.id, revision: deployment.revision }) : [];
    if (served.length > 1) throw new BadInputError('versionId', `is required while the traffic is split (${served.length} versions serve it)`);
    return served[0]?.versionId ?? null;
  }

  /** Judges the policies of the recorded keys on the version; a changed state is stored and recorded once. */
  private async judgeRecorded(deploymentId: string, versionId: string, keys: string[], caller: Caller): Promise<void> {
    const em = this.db.manager;
    const policies = await em.findBy(DriftPolicy, { deploymentId, metric: In(keys) });
    if (!policies.length) return;
    policies.sort((a, b) => byCodePoint(a.metric, b.metric));
    const pairs = policies.filter((p) => p.baseline == null).map((p): [string, string] => [versionId, p.metric]);
    const baselines = await defaultBaselines(this.db, pairs);
    const samples = await latestSamples(this.db, policies.map((p) => ({ deploymentId, versionId, key: p.metric, window: p.window })));
    const states = await em.findBy(DriftStateRow, { deploymentId, versionId, metric: In(policies.map((p) => p.metric)) });
    for (const policy of policies) {
      const check = judge(policy, versionId, 0, policyBaseline(policy, baselineOf(baselines, versionId, policy.metric)),
        samples.get(seriesId({ deploymentId, versionId, key: policy.metric })) ?? []);
      if (check.status === DriftState.NO_DATA) continue;
      const state = states.find((s) => s.metric === policy.metric);
      const where = { deploymentId, versionId, metric: policy.metric };
      if (!state) await em.insert(DriftStateRow, { ...where, drifting: check.drifting, changedAt: now() });
      else if (state.drifting !== check.drifting) await em.update(DriftStateRow, where, { drifting: check.drifting, changedAt: now() });
      if ((state?.drifting ?? false) === check.drifting) continue;
      const { baseline, baselineSource, current, window, relativeChange, maxRelativeDrop, higherIsBetter } = check;
      await recordEvent(this.db, caller, {
        action: check.drifting ? EventType.DRIFT_DETECTED : EventType.DRIFT_RESOLVED, entityType: 'Deployment', entityId: deploymentId,
        before: { versionId, metric: policy.metric, status: check.drifting ? DriftState.OK : DriftState.DRIFTING },
        after: { versionId, metric: policy.metric, status: check.status, baseline, baselineSource, current, window, relativeChange, maxRelativeDrop, higherIsBetter },
      });
    }
  }

  /** Sets (or replaces) the rule of one metric of a deployment. */
  setPolicy(input: DriftPolicyInput, caller: Caller): Promise<DriftPolicy> {
    return this.db.transaction(async (em) => {
      const deployment = await lock(this.db, Deployment, input.deploymentId, 'input.deploymentId');
      const rule = {
        baseline: input.baseline ?? null, maxRelativeDrop: input.maxRelativeDrop,
        higherIsBetter: input.higherIsBetter ?? true, window: input.window ?? 1,
      };
      const key = { deploymentId: deployment.id, metric: input.metric };
      const current = await em.findOneBy(DriftPolicy, key);
      const row = { ...key, ...rule, updatedBy: caller.actor, updatedAt: now() };
      if (current) await em.update(DriftPolicy, key, row);
      else await em.insert(DriftPolicy, row);
      const before = current ? { metric: current.metric, baseline: current.baseline, maxRelativeDrop: current.maxRelativeDrop,
        higherIsBetter: current.higherIsBetter, window: current.window } : null;
      const after = { metric: input.metric, ...rule };
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        await recordEvent(this.db, caller, { action: EventType.DRIFT_POLICY_SET, entityType: 'Deployment', entityId: deployment.id, before, after });
      }
      return Object.assign(new DriftPolicy(), row);
    });
  }

  /** Removes the rule of one metric (and its judged states); false when there was none. */
  deletePolicy(deploymentId: string, metric: string, caller: Caller): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const deployment = await lock(this.db, Deployment, deploymentId, 'deploymentId');
      const key = { deploymentId: deployment.id, metric };
      const current = await em.findOneBy(DriftPolicy, key);
      if (!current) return false;
      await em.delete(DriftStateRow, key);
      await em.delete(DriftPolicy, key);
      await recordEvent(this.db, caller, {
        action: EventType.DRIFT_POLICY_DELETED, entityType: 'Deployment', entityId: deployment.id,
        before: { metric, baseline: current.baseline, maxRelativeDrop: current.maxRelativeDrop, higherIsBetter: current.higherIsBetter, window: current.window },
        after: null,
      });
      return true;
    });
  }
}
