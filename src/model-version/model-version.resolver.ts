import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Arg, Args, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import { isIdOf } from '../common/ids';
import { selects } from '../common/selection';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Metric, metricsByEntity } from '../common/metrics';
import { Tag, tagsByEntity } from '../common/tags';
import { Model } from '../model/model.entity';
import { modelById, modelByName } from '../model/model.loaders';
import { Run } from '../run/run.entity';
import { runById } from '../run/run.loaders';
import { DatasetUsage, ModelVersion, ModelVersionConnection } from './model-version.entity';
import { CreateModelVersionInput, ModelVersionLookupArgs } from './model-version.inputs';
import { ModelVersionSearch, ModelVersionSearchOrder } from './search.inputs';
import { childVersionPages, datasetsOfVersion, datasetsOfVersionWithDatasets, versionById, versionByLabel } from './model-version.loaders';

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  @Authorized(Role.VIEWER)
  @Query(() => ModelVersion, { nullable: true, description: 'By id, or by model name and version label' })
  async modelVersion(
    @Ctx() ctx: Context,
    @Args() { id, model: modelName, version }: ModelVersionLookupArgs,
  ): Promise<ModelVersion | null> {
    if (id != null) return isIdOf('ModelVersion', id) ? ctx.loaders.get(versionById).load(id) : null;
    const model = await ctx.loaders.get(modelByName).load(modelName!);
    return model ? ctx.loaders.get(versionByLabel).load([model.id, version!]) : null;
  }

  @Authorized(Role.VIEWER)
  @Query(() => ModelVersionConnection, { description: 'Versions across every model: filtered, ordered by creation or by a registration metric' })
  async modelVersions(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => ModelVersionSearch, { nullable: true }) filter?: ModelVersionSearch,
    @Arg('orderBy', () => ModelVersionSearchOrder, { nullable: true }) orderBy?: ModelVersionSearchOrder,
  ): Promise<Connection<ModelVersion>> {
    return ctx.services.versions.search(filter ?? null, orderBy ?? null, page);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ModelVersion)
  createModelVersion(@Ctx() ctx: Context, @Arg('input', () => CreateModelVersionInput) input: CreateModelVersionInput): Promise<ModelVersion> {
    return ctx.services.versions.create(input, callerOf(ctx));
  }

  @FieldResolver(() => Model)
  async model(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<Model> {
    return (await ctx.loaders.get(modelById).load(v.modelId))!;
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run that produced it' })
  run(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<Run | null> {
    return v.runId ? ctx.loaders.get(runById).load(v.runId) : Promise.resolve(null);
  }

  @FieldResolver(() => [DatasetUsage])
  async datasets(@Root() v: ModelVersion, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<DatasetUsage[]> {
    // The links' statement reads their dataset versions (and, when asked for, datasets) too; a link to no row is left out.
    const links = await ctx.loaders.get(selects(info, 'datasetVersion.dataset') ? datasetsOfVersionWithDatasets : datasetsOfVersion).load(v.id);
    return links.flatMap((l) => (l.datasetVersion ? [{ role: l.role, datasetVersion: l.datasetVersion }] : []));
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The version it was derived from' })
  parent(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<ModelVersion | null> {
    return v.parentId ? ctx.loaders.get(versionById).load(v.parentId) : Promise.resolve(null);
  }

  @FieldResolver(() => ModelVersionConnection, { description: 'Versions derived from it, oldest first' })
  async children(@Root() v: ModelVersion, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<ModelVersion>> {
    return toConnection(ModelVersionConnection, await ctx.loaders.get(childVersionPages, { ...page }).load(v.id));
  }

  @FieldResolver(() => [Metric], { description: 'Metrics recorded at registration' })
  metrics(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<Metric[]> {
    return ctx.loaders.get(metricsByEntity).load(v.id);
  }

  @FieldResolver(() => [Tag])
  tags(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(v.id);
  }
}
