import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { Node } from '../common/base.entity';
import { BadInputError } from '../common/errors';
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
}
