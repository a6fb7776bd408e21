import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { NamedOrder } from '../common/filters';
import { ByIdOrNameArgs } from '../common/inputs';
import { findByIdOrName } from '../common/lookup';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../common/pagination';
import { Tag, tagsByEntity } from '../common/tags';
import { Run, RunConnection } from '../run/run.entity';
import { RunFilter } from '../run/run.inputs';
import { runPagesByExperiment } from '../run/run.loaders';
import { Experiment } from './experiment.entity';
import { CreateExperimentInput, ExperimentFilter } from './experiment.inputs';
import { experimentById, experimentByName } from './experiment.loaders';

export const ExperimentConnection = ConnectionType('Experiment', Experiment);


@Resolver(() => Experiment)
export class ExperimentResolver {
  @Query(() => Experiment, { nullable: true, description: 'By id or by exact name' })
  experiment(
    @Ctx() ctx: Context,
    @Args() { id, name }: ByIdOrNameArgs,
  ): Promise<Experiment | null> {
    return findByIdOrName('Experiment', ctx.loaders.get(experimentById), ctx.loaders.get(experimentByName), id, name);
  }

  @Query(() => ExperimentConnection, { description: 'Newest first unless orderBy says otherwise' })
  async experiments(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => ExperimentFilter, { nullable: true }) filter?: ExperimentFilter,
    @Arg('orderBy', () => NamedOrder, { nullable: true }) orderBy?: NamedOrder,
  ): Promise<Connection<Experiment>> {
    return toConnection(ExperimentConnection, await ctx.services.experiments.list(page, filter, orderBy));
  }

  @Mutation(() => Experiment)
  createExperiment(@Ctx() ctx: Context, @Arg('input', () => CreateExperimentInput) input: CreateExperimentInput): Promise<Experiment> {
    return ctx.services.experiments.create(input, ctx.actor);
  }

  @FieldResolver(() => [Tag])
  tags(@Root() e: Experiment, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByEntity).load(e.id);
  }

  @FieldResolver(() => RunConnection, { description: 'Newest first' })
  async runs(
    @Root() e: Experiment,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => RunFilter, { nullable: true }) filter?: RunFilter,
  ): Promise<Connection<Run>> {
    const pages = ctx.loaders.get(runPagesByExperiment, { page: { ...page }, filter: filter ?? null });
    return toConnection(RunConnection, await pages.load(e.id));
  }
}
