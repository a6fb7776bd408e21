import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { NamedAggregateResolver } from '../common/named-aggregate.resolver';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../common/pagination';
import { Run, RunConnection } from '../run/run.entity';
import { RunFilter } from '../run/run.inputs';
import { runPagesByExperiment } from '../run/run.loaders';
import { Experiment } from './experiment.entity';
import { CreateExperimentInput, ExperimentFilter } from './experiment.inputs';
import { experimentById, experimentByName } from './experiment.loaders';

export const ExperimentConnection = ConnectionType('Experiment', Experiment);

@Resolver(() => Experiment)
export class ExperimentResolver extends NamedAggregateResolver({
  type: Experiment, node: 'Experiment', connection: ExperimentConnection, filter: ExperimentFilter, input: CreateExperimentInput,
  names: { one: 'experiment', list: 'experiments', create: 'createExperiment' },
  byId: experimentById, byName: experimentByName, service: (s) => s.experiments,
}) {
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
