import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { NamedOrder } from '../common/filters';
import { findByIdOrName } from '../common/lookup';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Tag, tagsByEntity } from '../common/tags';
import { Model } from '../model/model.entity';
import { modelById } from '../model/model.loaders';
import { Deployment, DeploymentConnection, TrafficShare } from './deployment.entity';
import { CreateDeploymentInput, DeploymentFilter } from './deployment.inputs';
import { deploymentById, deploymentByName } from './deployment.loaders';

@Resolver(() => Deployment)
export class DeploymentResolver {
  @Query(() => Deployment, { nullable: true, description: 'By id or by exact name' })
  deployment(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('name', () => String, { nullable: true }) name?: string,
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
    return ctx.services.deployments.create(input);
  }

  @FieldResolver(() => Model)
  async model(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Model> {
    return (await ctx.loaders.get(modelById).load(d.modelId))!;
  }

  @FieldResolver(() => [TrafficShare], { description: 'The current revision\'s split; empty at revision 0 (nothing deployed yet)' })
  traffic(@Root() d: Deployment): TrafficShare[] {
    if (d.revision === 0) return [];
    throw new Error(`deployment ${d.id} has revision ${d.revision} but revisions are not recorded`);
  }

  @FieldResolver(() => [Tag])
  tags(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(d.id);
  }
}
