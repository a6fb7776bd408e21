import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { NamedOrder } from '../common/filters';
import { findByIdOrName } from '../common/lookup';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Tag, tagsByEntity } from '../common/tags';
import { Model } from '../model/model.entity';
import { modelById } from '../model/model.loaders';
import { Deployment, DeploymentConnection, TrafficShare } from './deployment.entity';
import { DeploymentRevision, DeploymentRevisionConnection } from './deployment-revision.entity';
import { ByIdOrNameArgs, CommentArgs } from '../common/inputs';
import { TrafficArgs } from './deployment.inputs';
import { revisionAt, revisionPages } from './deployment.loaders';
import { trafficShares } from './traffic';
import { CreateDeploymentInput, DeploymentFilter } from './deployment.inputs';
import { deploymentById, deploymentByName } from './deployment.loaders';

@Resolver(() => Deployment)
export class DeploymentResolver {
  @Query(() => Deployment, { nullable: true, description: 'By id or by exact name' })
  deployment(
    @Ctx() ctx: Context,
    @Args() { id, name }: ByIdOrNameArgs,
  ): Promise<Deployment | null> {
    return findByIdOrName('Deployment', ctx.loaders.get(deploymentById), ctx.loaders.get(deploymentByName), id, name);
  }

  @Query(() => DeploymentConnection, { description: 'Newest first unless orderBy says otherwise' })
  async deployments(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => DeploymentFilter, { nullable: true }) filter?: DeploymentFilter,
    @Arg('orderBy', () => NamedOrder, { nullable: true }) orderBy?: NamedOrder,
  ): Promise<Connection<Deployment>> {
    return toConnection(DeploymentConnection, await ctx.services.deployments.list(page, filter, orderBy));
  }

  @Mutation(() => Deployment)
  createDeployment(@Ctx() ctx: Context, @Arg('input', () => CreateDeploymentInput) input: CreateDeploymentInput): Promise<Deployment> {
    return ctx.services.deployments.create(input, ctx.actor);
  }

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

  @Mutation(() => Deployment, { description: 'A new revision with this traffic split (integer percents summing to 100)' })
  deploy(
    @Ctx() ctx: Context,
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Args() { traffic }: TrafficArgs,
    @Arg('expectedRevision', () => Int, { nullable: true, description: 'Fails with PRECONDITION_FAILED unless the deployment is at this revision' }) expectedRevision: number | undefined,
    @Args() { comment }: CommentArgs,
  ): Promise<Deployment> {
    return ctx.services.rollouts.deploy(deploymentId, traffic, { actor: ctx.actor, comment, expectedRevision });
  }

  @Mutation(() => Deployment, { description: 'A new revision copying an earlier one\'s traffic (default: the previous revision)' })
  rollbackDeployment(
    @Ctx() ctx: Context,
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Arg('toRevision', () => Int, { nullable: true }) toRevision: number | undefined,
    @Arg('expectedRevision', () => Int, { nullable: true }) expectedRevision: number | undefined,
    @Args() { comment }: CommentArgs,
  ): Promise<Deployment> {
    return ctx.services.rollouts.rollback(deploymentId, toRevision, { actor: ctx.actor, comment, expectedRevision });
  }

  @Mutation(() => Deployment, { description: 'Stops serving: a last revision with no traffic; status RETIRED' })
  retireDeployment(
    @Ctx() ctx: Context,
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Args() { comment }: CommentArgs,
  ): Promise<Deployment> {
    return ctx.services.rollouts.retire(deploymentId, { actor: ctx.actor, comment });
  }

  @FieldResolver(() => [Tag])
  tags(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(d.id);
  }
}
