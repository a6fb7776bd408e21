import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { NamedOrder } from '../common/filters';
import { ByIdOrNameArgs } from '../common/inputs';
import { findByIdOrName } from '../common/lookup';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Tag, tagsByEntity } from '../common/tags';
import { Deployment } from '../deployment/deployment.entity';
import { deploymentsOfModel } from '../deployment/deployment.loaders';
import { ModelVersion, ModelVersionConnection } from '../model-version/model-version.entity';
import { ModelVersionFilter, ModelVersionOrder } from '../model-version/model-version.inputs';
import { latestVersionOf, versionByLabel, versionPages } from '../model-version/model-version.loaders';
import { Model, ModelConnection } from './model.entity';
import { ModelFilter, RegisterModelInput } from './model.inputs';
import { modelById, modelByName } from './model.loaders';

@Resolver(() => Model)
export class ModelResolver {
  @Query(() => Model, { nullable: true, description: 'By id or by exact name' })
  model(
    @Ctx() ctx: Context,
    @Args() { id, name }: ByIdOrNameArgs,
  ): Promise<Model | null> {
    return findByIdOrName('Model', ctx.loaders.get(modelById), ctx.loaders.get(modelByName), id, name);
  }

  @Query(() => ModelConnection, { description: 'Newest first unless orderBy says otherwise' })
  async models(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => ModelFilter, { nullable: true }) filter?: ModelFilter,
    @Arg('orderBy', () => NamedOrder, { nullable: true }) orderBy?: NamedOrder,
  ): Promise<Connection<Model>> {
    return toConnection(ModelConnection, await ctx.services.models.list(page, filter, orderBy));
  }

  @Mutation(() => Model)
  registerModel(@Ctx() ctx: Context, @Arg('input', () => RegisterModelInput) input: RegisterModelInput): Promise<Model> {
    return ctx.services.models.register(input, ctx.actor);
  }

  @FieldResolver(() => ModelVersionConnection, { description: 'Newest first unless orderBy says otherwise' })
  async versions(
    @Root() model: Model,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => ModelVersionFilter, { nullable: true }) filter?: ModelVersionFilter,
    @Arg('orderBy', () => ModelVersionOrder, { nullable: true }) orderBy?: ModelVersionOrder,
  ): Promise<Connection<ModelVersion>> {
    const pages = ctx.loaders.get(versionPages, { page: { ...page }, filter: filter ?? null, order: orderBy ?? null });
    return toConnection(ModelVersionConnection, await pages.load(model.id));
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The version with this exact label' })
  version(@Root() model: Model, @Ctx() ctx: Context, @Arg('label') label: string): Promise<ModelVersion | null> {
    return ctx.loaders.get(versionByLabel).load([model.id, label]);
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The most recently registered version' })
  async latestVersion(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelVersion | null> {
    return (await ctx.loaders.get(latestVersionOf).load(model.id))[0] ?? null;
  }

  @FieldResolver(() => [Deployment])
  deployments(@Root() model: Model, @Ctx() ctx: Context): Promise<Deployment[]> {
    return ctx.loaders.get(deploymentsOfModel).load(model.id);
  }

  @FieldResolver(() => [Tag])
  tags(@Root() model: Model, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(model.id);
  }
}
