import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { Node } from '../common/base.entity';
import { BadInputError } from '../common/errors';
import { TagInput } from '../common/tags';
import { LIMITS } from '../common/validation';
import { loadNode } from './node.loaders';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id' })
  node(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<object | null> {
    return loadNode(ctx.loaders, id);
  }

  @Query(() => [Node], { nullable: 'items', description: 'Objects by global id, in the order asked (null where unknown)' })
  nodes(@Ctx() ctx: Context, @Arg('ids', () => [ID]) ids: string[]): Promise<(object | null)[]> {
    if (ids.length > LIMITS.listItems) throw new BadInputError('ids', `must have at most ${LIMITS.listItems} items`);
    return Promise.all(ids.map((id) => loadNode(ctx.loaders, id)));
  }

  @Mutation(() => Node, { description: 'Replaces all tags of an experiment, run, model, version, dataset, dataset version or deployment' })
  setTags(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('tags', () => [TagInput]) tags: TagInput[],
  ): Promise<object> {
    return ctx.services.nodes.setTags(id, tags);
  }

  @Mutation(() => Node, { description: 'Sets (or clears, with null) the description; a version\'s content otherwise never changes' })
  updateDescription(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('description', () => String, { nullable: true }) description: string | null,
  ): Promise<object> {
    return ctx.services.nodes.updateDescription(id, description);
  }
}
