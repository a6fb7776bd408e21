import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Arg, Args, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import type { Services } from '../services';
import { NamedOrder, type NamedFilter } from './filters';
import { ByIdOrNameArgs } from './inputs';
import type { NodeTypeName } from './ids';
import type { LoaderDef } from './loaders';
import { findByIdOrName } from './lookup';
import type { NamedAggregateService, NamedCreateInput, NamedEntity } from './named-aggregate.service';
import { PageArgs, toConnection, type Connection } from './pagination';
import { selects } from './selection';
import { Tag, tagsByEntity } from './tags';

export interface NamedAggregateResolverSpec<E extends NamedEntity, I extends NamedCreateInput, F extends NamedFilter> {
  type: ClassType<E>;
  node: NodeTypeName;
  connection: ClassType<Connection<E>>;
  filter: ClassType<F>;
  input: ClassType<I>;
  /** Schema names: `experiment`, `experiments`, `createExperiment`. */
  names: { one: string; list: string; create: string };
  byId: LoaderDef<string, E | null>;
  byName: LoaderDef<string, E | null>;
  /** Loaders for `x(id:, name:)` that read `field` of the row in the same statement, used when it is selected. */
  ahead?: { field: string; byId: LoaderDef<string, E | null>; byName: LoaderDef<string, E | null> };
  service: (services: Services) => NamedAggregateService<E, I, F>;
}

/**
 * The root fields every named aggregate has — `x(id:, name:)`, `xs(filter:, orderBy:, …page)`, its create
 * mutation — and its `tags`. An aggregate's resolver extends the class this returns and adds what is its own.
 *
 * type-graphql lists an object type's resolved fields in the order their decorators ran, and these run when
 * this function is called: an aggregate whose own fields come before `tags` in the schema declares them in
 * a resolver class passed as `ownFields`, which the returned class extends.
 */
export function NamedAggregateResolver<E extends NamedEntity, I extends NamedCreateInput, F extends NamedFilter>(
  spec: NamedAggregateResolverSpec<E, I, F>,
  ownFields: ClassType<object> = class {},
) {
  @Resolver(() => spec.type)
  abstract class NamedAggregateResolverClass extends ownFields {
    @Authorized(Role.VIEWER)
    @Query(() => spec.type, { name: spec.names.one, nullable: true, description: 'By id or by exact name' })
    one(@Ctx() ctx: Context, @Args() { id, name }: ByIdOrNameArgs, @Info() info: GraphQLResolveInfo): Promise<E | null> {
      const loaders = spec.ahead && selects(info, spec.ahead.field) ? spec.ahead : spec;
      return findByIdOrName(spec.node, ctx.loaders.get(loaders.byId), ctx.loaders.get(loaders.byName), id, name);
    }

    @Authorized(Role.VIEWER)
    @Query(() => spec.connection, { name: spec.names.list, description: 'Newest first unless orderBy says otherwise' })
    async list(
      @Ctx() ctx: Context,
      @Args() page: PageArgs,
      @Arg('filter', () => spec.filter, { nullable: true }) filter?: F,
      @Arg('orderBy', () => NamedOrder, { nullable: true }) orderBy?: NamedOrder,
    ): Promise<Connection<E>> {
      return toConnection(spec.connection, await spec.service(ctx.services).list(page, filter, orderBy));
    }

    @Authorized(Role.EDITOR)
    @Mutation(() => spec.type, { name: spec.names.create })
    create(@Ctx() ctx: Context, @Arg('input', () => spec.input) input: I): Promise<E> {
      return spec.service(ctx.services).create(input, callerOf(ctx));
    }

    @FieldResolver(() => [Tag])
    tags(@Root() row: E, @Ctx() ctx: Context): Promise<Tag[]> {
      return ctx.loaders.get(tagsByEntity).load(row.id);
    }
  }
  return NamedAggregateResolverClass;
}
