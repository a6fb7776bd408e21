import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import { NotFoundError } from '../common/errors';
import { isIdOf } from '../common/ids';
import { Metric, metricsByEntity } from '../common/metrics';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { DatasetVersion } from '../dataset/dataset.entity';
import { datasetVersionById } from '../dataset/dataset.loaders';
import { ModelVersion } from '../model-version/model-version.entity';
import { versionById } from '../model-version/model-version.loaders';
import { modelById } from '../model/model.loaders';
import { Evaluation, EvaluationConnection, MetricPoint, MetricPointConnection } from './evaluation.entity';
import { LogEvaluationArgs } from './evaluation.inputs';
import { evaluationPages } from './evaluation.loaders';

@Resolver(() => Evaluation)
export class EvaluationResolver {
  @Authorized(Role.EDITOR)
  @Mutation(() => Evaluation, { description: 'Adds metrics measured on a dataset version to a registered version (its registered metrics stay as they are)' })
  logEvaluation(@Ctx() ctx: Context, @Args() args: LogEvaluationArgs): Promise<Evaluation> {
    return ctx.services.evaluations.log(args, callerOf(ctx));
  }

  @Authorized(Role.VIEWER)
  @Query(() => MetricPointConnection, {
    description: 'One metric key across every version of a model, by version sequence then step: registration metrics, '
      + 'or with datasetVersionId the evaluations on that dataset version',
  })
  async metricHistory(
    @Ctx() ctx: Context,
    @Arg('modelId', () => ID) modelId: string,
    @Arg('key') key: string,
    @Arg('datasetVersionId', () => ID, { nullable: true }) datasetVersionId: string | null,
    @Args() page: PageArgs,
  ): Promise<Connection<MetricPoint>> {
    const model = isIdOf('Model', modelId) ? await ctx.loaders.get(modelById).load(modelId) : null;
    if (!model) throw new NotFoundError('Model', modelId, 'modelId');
    if (datasetVersionId != null) {
      const found = isIdOf('DatasetVersion', datasetVersionId) ? await ctx.loaders.get(datasetVersionById).load(datasetVersionId) : null;
      if (!found) throw new NotFoundError('DatasetVersion', datasetVersionId, 'datasetVersionId');
    }
    return toConnection(MetricPointConnection, await ctx.services.evaluations.history({ modelId, key, datasetVersionId }, { ...page }));
  }

  @FieldResolver(() => ModelVersion)
  async version(@Root() evaluation: Evaluation, @Ctx() ctx: Context): Promise<ModelVersion> {
    return (await ctx.loaders.get(versionById).load(evaluation.versionId))!;
  }

  @FieldResolver(() => DatasetVersion)
  async datasetVersion(@Root() evaluation: Evaluation, @Ctx() ctx: Context): Promise<DatasetVersion> {
    return (await ctx.loaders.get(datasetVersionById).load(evaluation.datasetVersionId))!;
  }

  @FieldResolver(() => [Metric], { description: 'Every point, in the order logged' })
  metrics(@Root() evaluation: Evaluation, @Ctx() ctx: Context): Promise<Metric[]> {
    return ctx.loaders.get(metricsByEntity).load(evaluation.id);
  }
}

@Resolver(() => MetricPoint)
export class MetricPointResolver {
  @FieldResolver(() => ModelVersion)
  async version(@Root() point: MetricPoint, @Ctx() ctx: Context): Promise<ModelVersion> {
    return (await ctx.loaders.get(versionById).load(point.versionId))!;
  }

  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'The evaluation\'s dataset version; null for registration metrics' })
  async datasetVersion(@Root() point: MetricPoint, @Ctx() ctx: Context): Promise<DatasetVersion | null> {
    return point.datasetVersionId ? ctx.loaders.get(datasetVersionById).load(point.datasetVersionId) : null;
  }
}

@Resolver(() => ModelVersion)
export class VersionEvaluationFields {
  @FieldResolver(() => EvaluationConnection, { description: 'Evaluations logged after registration, oldest first' })
  async evaluations(@Root() version: ModelVersion, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<Evaluation>> {
    return toConnection(EvaluationConnection, await ctx.loaders.get(evaluationPages, { ...page }).load(version.id));
  }
}
