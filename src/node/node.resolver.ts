import { Authorized, Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import { Node } from '../common/base.entity';
import { DescriptionArgs, NodeIdsArgs, TagsArgs } from './node.inputs';
import { loadNode } from './node.loaders';

@Resolver()
export class NodeResolver {
  @Authorized(Role.VIEWER)
  @Query(() => Node, { nullable: true, description: 'Any object by its global id' })
  node(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<object | null> {
    return loadNode(ctx.loaders, id);
  }

  @Authorized(Role.VIEWER)
  @Query(() => [Node], { nullable: 'items', description: 'Objects by global id, in the order asked (null where unknown)' })
  nodes(@Ctx() ctx: Context, @Args() { ids }: NodeIdsArgs): Promise<(object | null)[]> {
    return Promise.all(ids.map((id) => loadNode(ctx.loaders, id)));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Node, { description: 'Replaces all tags of an experiment, run, model, version, dataset, dataset version or deployment' })
  setTags(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Args() { tags }: TagsArgs,
  ): Promise<object> {
    return ctx.services.nodes.setTags(id, tags, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Node, { description: 'Sets (or clears, with null) the description; a version\'s content otherwise never changes' })
  updateDescription(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Args() { description }: DescriptionArgs,
  ): Promise<object> {
    return ctx.services.nodes.updateDescription(id, description, callerOf(ctx));
  }
}
