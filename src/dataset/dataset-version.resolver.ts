import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { present } from '../common/loaders';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Tag, tagsByEntity } from '../common/tags';
import { DatasetRole, ModelVersion, ModelVersionConnection } from '../model-version/model-version.entity';
import { usedByPages } from '../model-version/model-version.loaders';
import { Run, RunConnection } from '../run/run.entity';
import { consumerPages } from '../run/run.loaders';
import { Dataset, DatasetVersion, DatasetVersionConnection } from './dataset.entity';
import { datasetById, datasetVersionById, derivativePages, sourcesOf } from './dataset.loaders';

@Resolver(() => DatasetVersion)
export class DatasetVersionResolver {
  /** Usually primed by the statement that read the version (a model version's dataset links): answered without a promise. */
  @FieldResolver(() => Dataset)
  dataset(@Root() v: DatasetVersion, @Ctx() ctx: Context): Dataset | Promise<Dataset> {
    return ctx.loaders.known(datasetById, v.datasetId) ?? ctx.loaders.get(datasetById).load(v.datasetId).then((d) => d!);
  }

  @FieldResolver(() => [DatasetVersion], { description: 'The dataset versions this one was made from' })
  async derivedFrom(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<DatasetVersion[]> {
    const links = await ctx.loaders.get(sourcesOf).load(v.id);
    return present(await ctx.loaders.get(datasetVersionById).loadMany(links.map((l) => l.sourceId)));
  }

  @FieldResolver(() => DatasetVersionConnection, { description: 'Dataset versions made from this one, oldest first' })
  async derivatives(@Root() v: DatasetVersion, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<DatasetVersion>> {
    return toConnection(DatasetVersionConnection, await ctx.loaders.get(derivativePages, { ...page }).load(v.id));
  }

  @FieldResolver(() => ModelVersionConnection, { description: 'Model versions registered with it (in `role` only, if given), oldest first' })
  async usedBy(
    @Root() v: DatasetVersion, @Ctx() ctx: Context, @Args() page: PageArgs,
    @Arg('role', () => DatasetRole, { nullable: true, description: 'e.g. TRAINING: the models trained on it' }) role?: DatasetRole | null,
  ): Promise<Connection<ModelVersion>> {
    return toConnection(ModelVersionConnection, await ctx.loaders.get(usedByPages, { page: { ...page }, role: role ?? null }).load(v.id));
  }

  @FieldResolver(() => RunConnection, { description: 'Runs that consumed it, oldest first' })
  async consumedBy(@Root() v: DatasetVersion, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<Run>> {
    return toConnection(RunConnection, await ctx.loaders.get(consumerPages, { ...page }).load(v.id));
  }

  @FieldResolver(() => [Tag])
  tags(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(v.id);
  }
}
