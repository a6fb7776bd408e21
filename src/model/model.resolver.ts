import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { NamedAggregateResolver } from '../common/named-aggregate.resolver';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Deployment } from '../deployment/deployment.entity';
import { deploymentsOfModel } from '../deployment/deployment.loaders';
import { ModelVersion, ModelVersionConnection } from '../model-version/model-version.entity';
import { ModelVersionFilter, ModelVersionOrder } from '../model-version/model-version.inputs';
import { latestVersionOf, modelByIdWithLatest, modelByNameWithLatest, versionByLabel, versionPages } from '../model-version/model-version.loaders';
import { Model, ModelConnection } from './model.entity';
import { ModelFilter, RegisterModelInput } from './model.inputs';
import { modelById, modelByName } from './model.loaders';

/** Model's own fields (listed before `tags` in the schema). */
@Resolver(() => Model)
class ModelFields {
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
}

@Resolver(() => Model)
export class ModelResolver extends NamedAggregateResolver({
  type: Model, node: 'Model', connection: ModelConnection, filter: ModelFilter, input: RegisterModelInput,
  names: { one: 'model', list: 'models', create: 'registerModel' },
  byId: modelById, byName: modelByName, service: (s) => s.models,
  ahead: { field: 'latestVersion', byId: modelByIdWithLatest, byName: modelByNameWithLatest },
}, ModelFields) {}
