import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { isIdOf } from '../common/ids';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Model } from '../model/model.entity';
import { modelById } from '../model/model.loaders';
import { ModelVersion, Stage } from '../model-version/model-version.entity';
import { versionById } from '../model-version/model-version.loaders';
import { AliasEvent, AliasEventConnection, ModelAlias } from './alias.entity';
import {
  aliasAt, aliasesOfModel, aliasesOfVersion, aliasEventPages, policyOf, requestById, requestsOfModel, reviewsOf,
  transitionsOfModel, transitionsOfVersion, versionInStageAt,
} from './lifecycle.loaders';
import { defaultPolicy, ModelPolicy } from './policy.entity';
import { StageTransition, StageTransitionConnection } from './stage-transition.entity';
import { ReviewDecision, TransitionRequestStatus, TransitionRequest, TransitionRequestConnection, TransitionReview } from './transition-request.entity';

const loadVersion = async (ctx: Context, id: string | null): Promise<ModelVersion | null> =>
  id ? ctx.loaders.get(versionById).load(id) : null;

@Resolver(() => Model)
export class ModelLifecycleFields {
  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The version in the stage (at asOf, inclusive); the latest to enter it when several are' })
  async versionInStage(
    @Root() model: Model, @Ctx() ctx: Context,
    @Arg('stage', () => Stage) stage: Stage,
    @Arg('asOf', () => Date, { nullable: true }) asOf?: Date,
  ): Promise<ModelVersion | null> {
    return loadVersion(ctx, await ctx.loaders.get(versionInStageAt).load([model.id, stage, asOf?.toISOString() ?? null]));
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'Where the alias points (at asOf, inclusive)' })
  async alias(
    @Root() model: Model, @Ctx() ctx: Context,
    @Arg('name') name: string,
    @Arg('asOf', () => Date, { nullable: true }) asOf?: Date,
  ): Promise<ModelVersion | null> {
    return loadVersion(ctx, await ctx.loaders.get(aliasAt).load([model.id, name, asOf?.toISOString() ?? null]));
  }

  @FieldResolver(() => [ModelAlias])
  aliases(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelAlias[]> {
    return ctx.loaders.get(aliasesOfModel).load(model.id);
  }

  @FieldResolver(() => ModelPolicy, { description: 'The defaults (updatedAt null) when the model has no policy set' })
  async policy(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelPolicy> {
    return (await ctx.loaders.get(policyOf).load(model.id)) ?? defaultPolicy(model.id);
  }

  @FieldResolver(() => StageTransitionConnection, { description: 'Every stage change of every version, newest first' })
  async stageHistory(
    @Root() model: Model, @Ctx() ctx: Context, @Args() page: PageArgs,
    @Arg('stage', () => Stage, { nullable: true, description: 'Only changes into or out of this stage' }) stage?: Stage,
  ): Promise<Connection<StageTransition>> {
    return toConnection(StageTransitionConnection, await ctx.loaders.get(transitionsOfModel, { page: { ...page }, stage: stage ?? null }).load(model.id));
  }

  @FieldResolver(() => AliasEventConnection, { description: 'Every alias change, newest first' })
  async aliasHistory(
    @Root() model: Model, @Ctx() ctx: Context, @Args() page: PageArgs,
    @Arg('alias', () => String, { nullable: true }) alias?: string,
  ): Promise<Connection<AliasEvent>> {
    return toConnection(AliasEventConnection, await ctx.loaders.get(aliasEventPages, { page: { ...page }, alias: alias ?? null }).load(model.id));
  }

  @FieldResolver(() => TransitionRequestConnection, { description: 'Approval requests, newest first' })
  async transitionRequests(
    @Root() model: Model, @Ctx() ctx: Context, @Args() page: PageArgs,
    @Arg('status', () => TransitionRequestStatus, { nullable: true }) status?: TransitionRequestStatus,
  ): Promise<Connection<TransitionRequest>> {
    return toConnection(TransitionRequestConnection, await ctx.loaders.get(requestsOfModel, { page: { ...page }, status: status ?? null }).load(model.id));
  }
}

@Resolver(() => ModelVersion)
export class VersionLifecycleFields {
  @FieldResolver(() => [String], { description: 'Aliases pointing at this version now' })
  async aliases(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<string[]> {
    return (await ctx.loaders.get(aliasesOfVersion).load(v.id)).map((a) => a.name);
  }

  @FieldResolver(() => StageTransitionConnection, { description: 'This version\'s stage history, newest first' })
  async transitions(@Root() v: ModelVersion, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<StageTransition>> {
    return toConnection(StageTransitionConnection, await ctx.loaders.get(transitionsOfVersion, { ...page }).load(v.id));
  }
}

@Resolver(() => ModelAlias)
export class ModelAliasFields {
  @FieldResolver(() => ModelVersion)
  async version(@Root() a: ModelAlias, @Ctx() ctx: Context): Promise<ModelVersion> {
    return (await loadVersion(ctx, a.versionId))!;
  }
}

@Resolver(() => StageTransition)
export class StageTransitionFields {
  @FieldResolver(() => ModelVersion)
  async version(@Root() t: StageTransition, @Ctx() ctx: Context): Promise<ModelVersion> {
    return (await loadVersion(ctx, t.versionId))!;
  }

  @FieldResolver(() => TransitionRequest, { nullable: true, description: 'The approved request that made this change, if any' })
  request(@Root() t: StageTransition, @Ctx() ctx: Context): Promise<TransitionRequest | null> {
    return t.requestId ? ctx.loaders.get(requestById).load(t.requestId) : Promise.resolve(null);
  }
}

@Resolver(() => AliasEvent)
export class AliasEventFields {
  @FieldResolver(() => ModelVersion, { nullable: true, description: 'Where the alias now pointed (null: deleted)' })
  version(@Root() e: AliasEvent, @Ctx() ctx: Context): Promise<ModelVersion | null> {
    return loadVersion(ctx, e.versionId);
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'Where it pointed before (null: newly set)' })
  previousVersion(@Root() e: AliasEvent, @Ctx() ctx: Context): Promise<ModelVersion | null> {
    return loadVersion(ctx, e.previousVersionId);
  }
}

@Resolver(() => TransitionRequest)
export class TransitionRequestFields {
  @Authorized(Role.VIEWER)
  @Query(() => TransitionRequest, { nullable: true })
  transitionRequest(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<TransitionRequest | null> {
    return isIdOf('TransitionRequest', id) ? ctx.loaders.get(requestById).load(id) : Promise.resolve(null);
  }

  @Authorized(Role.VIEWER)
  @Query(() => TransitionRequestConnection, { description: 'Approval requests across models (e.g. status: PENDING), newest first' })
  async transitionRequests(
    @Ctx() ctx: Context, @Args() page: PageArgs,
    @Arg('status', () => TransitionRequestStatus, { nullable: true }) status?: TransitionRequestStatus,
  ): Promise<Connection<TransitionRequest>> {
    return toConnection(TransitionRequestConnection, await ctx.services.approvals.list(page, status));
  }

  @FieldResolver(() => ModelVersion)
  async version(@Root() r: TransitionRequest, @Ctx() ctx: Context): Promise<ModelVersion> {
    return (await loadVersion(ctx, r.versionId))!;
  }

  @FieldResolver(() => Model)
  async model(@Root() r: TransitionRequest, @Ctx() ctx: Context): Promise<Model> {
    return (await ctx.loaders.get(modelById).load(r.modelId))!;
  }

  @FieldResolver(() => [TransitionReview])
  reviews(@Root() r: TransitionRequest, @Ctx() ctx: Context): Promise<TransitionReview[]> {
    return ctx.loaders.get(reviewsOf).load(r.id);
  }

  @FieldResolver(() => Int)
  async approvals(@Root() r: TransitionRequest, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.get(reviewsOf).load(r.id)).filter((x) => x.decision === ReviewDecision.APPROVE).length;
  }
}

export const LIFECYCLE_FIELD_RESOLVERS = [
  ModelLifecycleFields, VersionLifecycleFields, ModelAliasFields, StageTransitionFields, AliasEventFields, TransitionRequestFields,
];

