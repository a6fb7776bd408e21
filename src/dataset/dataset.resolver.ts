import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { NamedOrder } from '../common/filters';
import { isIdOf } from '../common/ids';
import { ByIdOrNameArgs } from '../common/inputs';
import { findByIdOrName } from '../common/lookup';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Tag, tagsByEntity } from '../common/tags';
import { Dataset, DatasetConnection, DatasetVersion, DatasetVersionConnection } from './dataset.entity';
import { CreateDatasetInput, CreateDatasetVersionInput, DatasetFilter } from './dataset.inputs';
import { datasetById, datasetByName, datasetVersionById, datasetVersionPages, latestDatasetVersion } from './dataset.loaders';

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => Dataset, { nullable: true, description: 'By id or by exact name' })
  dataset(
    @Ctx() ctx: Context,
    @Args() { id, name }: ByIdOrNameArgs,
  ): Promise<Dataset | null> {
    return findByIdOrName('Dataset', ctx.loaders.get(datasetById), ctx.loaders.get(datasetByName), id, name);
  }

  @Query(() => DatasetConnection, { description: 'Newest first unless orderBy says otherwise' })
  async datasets(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => DatasetFilter, { nullable: true }) filter?: DatasetFilter,
    @Arg('orderBy', () => NamedOrder, { nullable: true }) orderBy?: NamedOrder,
  ): Promise<Connection<Dataset>> {
    return toConnection(DatasetConnection, await ctx.services.datasets.list(page, filter, orderBy));
  }

  @Query(() => DatasetVersion, { nullable: true })
  datasetVersion(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<DatasetVersion | null> {
    return isIdOf('DatasetVersion', id) ? ctx.loaders.get(datasetVersionById).load(id) : Promise.resolve(null);
  }

  @Mutation(() => Dataset)
  createDataset(@Ctx() ctx: Context, @Arg('input', () => CreateDatasetInput) input: CreateDatasetInput): Promise<Dataset> {
    return ctx.services.datasets.create(input, ctx.actor);
  }

  @Mutation(() => DatasetVersion)
  createDatasetVersion(@Ctx() ctx: Context, @Arg('input', () => CreateDatasetVersionInput) input: CreateDatasetVersionInput): Promise<DatasetVersion> {
    return ctx.services.datasets.createVersion(input, ctx.actor);
  }

  @FieldResolver(() => DatasetVersionConnection, { description: 'Newest first' })
  async versions(@Root() d: Dataset, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<DatasetVersion>> {
    return toConnection(DatasetVersionConnection, await ctx.loaders.get(datasetVersionPages, { ...page }).load(d.id));
  }

  @FieldResolver(() => DatasetVersion, { nullable: true })
  async latestVersion(@Root() d: Dataset, @Ctx() ctx: Context): Promise<DatasetVersion | null> {
    return (await ctx.loaders.get(latestDatasetVersion).load(d.id))[0] ?? null;
  }

  @FieldResolver(() => [Tag])
  tags(@Root() d: Dataset, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(d.id);
  }
}
