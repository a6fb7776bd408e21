import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import { NamedAggregateResolver } from '../common/named-aggregate.resolver';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Model } from '../model/model.entity';
import { modelById } from '../model/model.loaders';
import { Deployment, DeploymentConnection, TrafficShare } from './deployment.entity';
import { DeploymentRevision, DeploymentRevisionConnection } from './deployment-revision.entity';
import { CommentArgs } from '../common/inputs';
import { CreateDeploymentInput, DeploymentFilter, TrafficArgs } from './deployment.inputs';
import { deploymentById, deploymentByName, revisionAt, revisionPages } from './deployment.loaders';
import { trafficShares } from './traffic';

/** Deployment's own fields (listed before `tags` in the schema). */
@Resolver(() => Deployment)
class DeploymentFields {
  @FieldResolver(() => Model)
  async model(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Model> {
    return (await ctx.loaders.get(modelById).load(d.modelId))!;
  }

  @FieldResolver(() => [TrafficShare], { description: 'The current revision\'s split; empty at revision 0 (nothing deployed yet)' })
  traffic(@Root() d: Deployment, @Ctx() ctx: Context): Promise<TrafficShare[]> {
    return trafficShares(ctx, d.id, d.revision);
  }

  @FieldResolver(() => DeploymentRevisionConnection, { description: 'Every revision, newest first' })
  async revisions(@Root() d: Deployment, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<DeploymentRevision>> {
    return toConnection(DeploymentRevisionConnection, await ctx.loaders.get(revisionPages, { ...page }).load(d.id));
  }

  @FieldResolver(() => DeploymentRevision, { nullable: true, description: 'The revision in force at an instant (inclusive); null before the first deploy' })
  revisionAt(@Root() d: Deployment, @Ctx() ctx: Context, @Arg('asOf', () => Date) asOf: Date): Promise<DeploymentRevision | null> {
    return ctx.loaders.get(revisionAt).load([d.id, asOf.toISOString()]);
  }
}

@Resolver(() => Deployment)
export class DeploymentResolver extends NamedAggregateResolver({
  type: Deployment, node: 'Deployment', connection: DeploymentConnection, filter: DeploymentFilter, input: CreateDeploymentInput,
  names: { one: 'deployment', list: 'deployments', create: 'createDeployment' },
  byId: deploymentById, byName: deploymentByName, service: (s) => s.deployments,
}, DeploymentFields) {
  @Authorized(Role.APPROVER)
  @Mutation(() => Deployment, { description: 'A new revision with this traffic split (integer percents summing to 100)' })
  deploy(
    @Ctx() ctx: Context,
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Args() { traffic }: TrafficArgs,
    @Arg('expectedRevision', () => Int, { nullable: true, description: 'Fails with PRECONDITION_FAILED unless the deployment is at this revision' }) expectedRevision: number | undefined,
    @Args() { comment }: CommentArgs,
  ): Promise<Deployment> {
    return ctx.services.rollouts.deploy(deploymentId, traffic, { ...callerOf(ctx), comment, expectedRevision });
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Deployment, { description: 'A new revision copying an earlier one\'s traffic (default: the previous revision)' })
  rollbackDeployment(
    @Ctx() ctx: Context,
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Arg('toRevision', () => Int, { nullable: true }) toRevision: number | undefined,
    @Arg('expectedRevision', () => Int, { nullable: true }) expectedRevision: number | undefined,
    @Args() { comment }: CommentArgs,
  ): Promise<Deployment> {
    return ctx.services.rollouts.rollback(deploymentId, toRevision, { ...callerOf(ctx), comment, expectedRevision });
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Deployment, { description: 'Stops serving: a last revision with no traffic; status RETIRED' })
  retireDeployment(
    @Ctx() ctx: Context,
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Args() { comment }: CommentArgs,
  ): Promise<Deployment> {
    return ctx.services.rollouts.retire(deploymentId, { ...callerOf(ctx), comment });
  }
}
