import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import { callerOf } from '../audit/record';
import type { Context } from '../context';
import { Dataset } from '../dataset/dataset.entity';
import { Experiment } from '../experiment/experiment.entity';
import { Model } from '../model/model.entity';

const ARCHIVE = 'Leaves it out of its list (unless includeArchived) and refuses new children; nothing is deleted. Idempotent';
const RESTORE = 'Undoes the archival. Idempotent';

/** Archival instead of deletion, and its reverse, for models, datasets and experiments. */
@Resolver()
export class ArchivalMutations {
  @Authorized(Role.APPROVER)
  @Mutation(() => Model, { description: `${ARCHIVE}; refused while a deployment of the model is ACTIVE` })
  archiveModel(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Model> {
    return ctx.services.archival.archiveModel(id, callerOf(ctx));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Model, { description: RESTORE })
  restoreModel(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Model> {
    return ctx.services.archival.restoreModel(id, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Dataset, { description: ARCHIVE })
  archiveDataset(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Dataset> {
    return ctx.services.archival.archiveDataset(id, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Dataset, { description: RESTORE })
  restoreDataset(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Dataset> {
    return ctx.services.archival.restoreDataset(id, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Experiment, { description: ARCHIVE })
  archiveExperiment(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Experiment> {
    return ctx.services.archival.archiveExperiment(id, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Experiment, { description: RESTORE })
  restoreExperiment(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Experiment> {
    return ctx.services.archival.restoreExperiment(id, callerOf(ctx));
  }
}
