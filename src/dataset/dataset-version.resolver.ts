import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { present } from '../common/loaders';
import { Tag, tagsByEntity } from '../common/tags';
import { ModelVersion } from '../model-version/model-version.entity';
import { usagesOfDatasetVersion, versionById } from '../model-version/model-version.loaders';
import { Run } from '../run/run.entity';
import { consumersOf, runById } from '../run/run.loaders';
import { Dataset, DatasetVersion } from './dataset.entity';
import { datasetById, datasetVersionById, derivativesOf, sourcesOf } from './dataset.loaders';

@Resolver(() => DatasetVersion)
export class DatasetVersionResolver {
  @FieldResolver(() => Dataset)
  async dataset(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<Dataset> {
    return (await ctx.loaders.get(datasetById).load(v.datasetId))!;
  }

  @FieldResolver(() => [DatasetVersion], { description: 'The dataset versions this one was made from' })
  async derivedFrom(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<DatasetVersion[]> {
    const links = await ctx.loaders.get(sourcesOf).load(v.id);
    return present(await ctx.loaders.get(datasetVersionById).loadMany(links.map((l) => l.sourceId)));
  }

  @FieldResolver(() => [DatasetVersion], { description: 'Dataset versions made from this one' })
  async derivatives(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<DatasetVersion[]> {
    const links = await ctx.loaders.get(derivativesOf).load(v.id);
    return present(await ctx.loaders.get(datasetVersionById).loadMany(links.map((l) => l.datasetVersionId)));
  }

  @FieldResolver(() => [ModelVersion], { description: 'Model versions trained, validated or tested on it' })
  async usedBy(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<ModelVersion[]> {
    const links = await ctx.loaders.get(usagesOfDatasetVersion).load(v.id);
    return present(await ctx.loaders.get(versionById).loadMany(links.map((l) => l.modelVersionId)));
  }

  @FieldResolver(() => [Run], { description: 'Runs that consumed it' })
  async consumedBy(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<Run[]> {
    const links = await ctx.loaders.get(consumersOf).load(v.id);
    return present(await ctx.loaders.get(runById).loadMany(links.map((l) => l.runId)));
  }

  @FieldResolver(() => [Tag])
  tags(@Root() v: DatasetVersion, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(v.id);
  }
}
