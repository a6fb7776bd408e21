import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import { isIdOf } from '../common/ids';
import { NamedAggregateResolver } from '../common/named-aggregate.resolver';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Dataset, DatasetConnection, DatasetVersion, DatasetVersionConnection } from './dataset.entity';
import { CreateDatasetInput, CreateDatasetVersionInput, DatasetFilter } from './dataset.inputs';
import { datasetById, datasetByName, datasetVersionById, datasetVersionPages, latestDatasetVersion } from './dataset.loaders';

/** Dataset's own fields (listed before `tags` in the schema). */
@Resolver(() => Dataset)
class DatasetFields {
  @FieldResolver(() => DatasetVersionConnection, { description: 'Newest first' })
  async versions(@Root() d: Dataset, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<DatasetVersion>> {
    return toConnection(DatasetVersionConnection, await ctx.loaders.get(datasetVersionPages, { ...page }).load(d.id));
  }

  @FieldResolver(() => DatasetVersion, { nullable: true })
  async latestVersion(@Root() d: Dataset, @Ctx() ctx: Context): Promise<DatasetVersion | null> {
    return (await ctx.loaders.get(latestDatasetVersion).load(d.id))[0] ?? null;
  }
}

@Resolver(() => Dataset)
export class DatasetResolver extends NamedAggregateResolver({
  type: Dataset, node: 'Dataset', connection: DatasetConnection, filter: DatasetFilter, input: CreateDatasetInput,
  names: { one: 'dataset', list: 'datasets', create: 'createDataset' },
  byId: datasetById, byName: datasetByName, service: (s) => s.datasets,
}, DatasetFields) {
  @Authorized(Role.VIEWER)
  @Query(() => DatasetVersion, { nullable: true })
  datasetVersion(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<DatasetVersion | null> {
    return isIdOf('DatasetVersion', id) ? ctx.loaders.get(datasetVersionById).load(id) : Promise.resolve(null);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => DatasetVersion)
  createDatasetVersion(@Ctx() ctx: Context, @Arg('input', () => CreateDatasetVersionInput) input: CreateDatasetVersionInput): Promise<DatasetVersion> {
    return ctx.services.datasets.createVersion(input, callerOf(ctx));
  }
}
