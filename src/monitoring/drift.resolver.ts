import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { callerOf } from '../audit/record';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { Deployment } from '../deployment/deployment.entity';
import { deploymentById, trafficOf } from '../deployment/deployment.loaders';
import type { TrafficRow } from '../deployment/deployment-revision.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { versionById } from '../model-version/model-version.loaders';
import { DriftCheck, DriftPolicy, DriftStatus } from './drift.entity';
import { DeleteDriftPolicyArgs, DriftPolicyInput, RecordDeploymentMetricsArgs } from './drift.inputs';
import { judge, overall, policyBaseline } from './drift.judge';
import { driftBaselines, driftPoliciesOf, latestDriftSamples } from './drift.loaders';

@Resolver(() => Deployment)
export class DriftMutations {
  @Authorized(Role.EDITOR)
  @Mutation(() => Deployment, { description: 'Stores production metric samples of a deployment (up to 10,000 per call) and judges its drift policies on them' })
  recordDeploymentMetrics(@Ctx() ctx: Context, @Args() { deploymentId, metrics, at, versionId }: RecordDeploymentMetricsArgs): Promise<Deployment> {
    return ctx.services.drift.record(deploymentId, metrics, at, versionId, callerOf(ctx));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => DriftPolicy, { description: 'Sets (or replaces) the drift rule of one metric of a deployment' })
  setDriftPolicy(@Ctx() ctx: Context, @Arg('input', () => DriftPolicyInput) input: DriftPolicyInput): Promise<DriftPolicy> {
    return ctx.services.drift.setPolicy(input, callerOf(ctx));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Boolean, { description: 'Removes the drift rule of one metric; false when the deployment had none for it' })
  deleteDriftPolicy(@Ctx() ctx: Context, @Args() { deploymentId, metric }: DeleteDriftPolicyArgs): Promise<boolean> {
    return ctx.services.drift.deletePolicy(deploymentId, metric, callerOf(ctx));
  }
}

/** Deployment's drift fields: every policy judged on every served version, batched across deployments. */
@Resolver(() => Deployment)
export class DeploymentDriftFields {
  @FieldResolver(() => [DriftPolicy], { description: 'Drift rules, by metric' })
  driftPolicies(@Root() d: Deployment, @Ctx() ctx: Context): Promise<DriftPolicy[]> {
    return ctx.loaders.get(driftPoliciesOf).load(d.id);
  }

  @FieldResolver(() => DriftStatus, { description: 'Each drift policy judged on each version of the current traffic' })
  async drift(@Root() d: Deployment, @Ctx() ctx: Context): Promise<DriftStatus> {
    const [policies, traffic] = await Promise.all([
      ctx.loaders.get(driftPoliciesOf).load(d.id),
      d.revision > 0 ? ctx.loaders.get(trafficOf).load([d.id, d.revision]) : Promise.resolve<TrafficRow[]>([]),
    ]);
    const pairs = policies.flatMap((policy) => traffic.map((served) => ({ policy, served })));
    const [baselines, samples] = await Promise.all([
      Promise.all(pairs.map(({ policy, served }) => (policy.baseline != null ? null : ctx.loaders.get(driftBaselines).load([served.versionId, policy.metric])))),
      Promise.all(pairs.map(({ policy, served }) => ctx.loaders.get(latestDriftSamples).load({
        deploymentId: d.id, versionId: served.versionId, key: policy.metric, window: policy.window,
      }))),
    ]);
    const checks = pairs.map(({ policy, served }, i) =>
      judge(policy, served.versionId, served.percent, policyBaseline(policy, baselines[i]), samples[i]));
    return { status: overall(checks), checks };
  }
}

@Resolver(() => DriftCheck)
export class DriftCheckFields {
  @FieldResolver(() => ModelVersion, { description: 'The served version the samples belong to' })
  async version(@Root() check: DriftCheck, @Ctx() ctx: Context): Promise<ModelVersion> {
    return (await ctx.loaders.get(versionById).load(check.versionId))!;
  }
}

@Resolver(() => DriftPolicy)
export class DriftPolicyFields {
  @FieldResolver(() => Deployment)
  async deployment(@Root() p: DriftPolicy, @Ctx() ctx: Context): Promise<Deployment> {
    return (await ctx.loaders.get(deploymentById).load(p.deploymentId))!;
  }
}

export const DRIFT_RESOLVERS = [DriftMutations, DeploymentDriftFields, DriftCheckFields, DriftPolicyFields] as const;
