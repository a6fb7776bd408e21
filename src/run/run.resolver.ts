import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import { isIdOf } from '../common/ids';
import { present } from '../common/loaders';
import { latestMetricsByEntity, Metric, MetricConnection } from '../common/metrics';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Tag, tagsByEntity } from '../common/tags';
import { DatasetVersion } from '../dataset/dataset.entity';
import { datasetVersionById } from '../dataset/dataset.loaders';
import { Experiment } from '../experiment/experiment.entity';
import { experimentById } from '../experiment/experiment.loaders';
import { ModelVersion, ModelVersionConnection } from '../model-version/model-version.entity';
import { producedVersionPages } from '../model-version/model-version.loaders';
import { Run } from './run.entity';
import { EndStatusArgs, MetricsArgs, StartRunInput } from './run.inputs';
import { inputIdsByRun, metricHistoryPages, runById } from './run.loaders';

@Resolver(() => Run)
export class RunResolver {
  @Authorized(Role.VIEWER)
  @Query(() => Run, { nullable: true })
  run(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Run | null> {
    return isIdOf('Run', id) ? ctx.loaders.get(runById).load(id) : Promise.resolve(null);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Run)
  startRun(@Ctx() ctx: Context, @Arg('input', () => StartRunInput) input: StartRunInput): Promise<Run> {
    return ctx.services.runs.start(input, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Run, { description: 'Appends metric points (up to 1,000 per call)' })
  logRunMetrics(
    @Ctx() ctx: Context,
    @Arg('runId', () => ID) runId: string,
    @Args() { metrics }: MetricsArgs,
  ): Promise<Run> {
    return ctx.services.runs.logMetrics(runId, metrics, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Run)
  finishRun(
    @Ctx() ctx: Context,
    @Arg('runId', () => ID) runId: string,
    @Args() { status }: EndStatusArgs,
    @Arg('endedAt', () => Date, { nullable: true, description: 'Defaults to now' }) endedAt?: Date,
  ): Promise<Run> {
    return ctx.services.runs.finish(runId, status, endedAt, callerOf(ctx));
  }

  @FieldResolver(() => Experiment)
  async experiment(@Root() run: Run, @Ctx() ctx: Context): Promise<Experiment> {
    return (await ctx.loaders.get(experimentById).load(run.experimentId))!;
  }

  @FieldResolver(() => [Metric], { description: 'The latest point of each key (highest step, then last logged), by key' })
  metrics(@Root() run: Run, @Ctx() ctx: Context): Promise<Metric[]> {
    return ctx.loaders.get(latestMetricsByEntity).load(run.id);
  }

  @FieldResolver(() => MetricConnection, { description: 'Every point logged for one key, in logging order' })
  async metricHistory(@Root() run: Run, @Ctx() ctx: Context, @Arg('key') key: string, @Args() page: PageArgs): Promise<Connection<Metric>> {
    return toConnection(MetricConnection, await ctx.loaders.get(metricHistoryPages, { page: { ...page }, key }).load(run.id));
  }

  @FieldResolver(() => [DatasetVersion], { description: 'Dataset versions the run consumed' })
  async inputs(@Root() run: Run, @Ctx() ctx: Context): Promise<DatasetVersion[]> {
    const links = await ctx.loaders.get(inputIdsByRun).load(run.id);
    return present(await ctx.loaders.get(datasetVersionById).loadMany(links.map((l) => l.datasetVersionId)));
  }

  @FieldResolver(() => ModelVersionConnection, { description: 'Model versions registered from this run, oldest first' })
  async producedVersions(@Root() run: Run, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<ModelVersion>> {
    return toConnection(ModelVersionConnection, await ctx.loaders.get(producedVersionPages, { ...page }).load(run.id));
  }

  @FieldResolver(() => [Tag])
  tags(@Root() run: Run, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(run.id);
  }
}

