import { Authorized, Arg, Args, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { callerOf } from '../audit/record';
import { Model } from '../model/model.entity';
import { ModelVersion, Stage } from '../model-version/model-version.entity';
import { CommentArgs } from '../common/inputs';
import { AliasArgs, ModelPolicyInput, RollbackStageArgs } from './lifecycle.inputs';
import { ReviewDecision, TransitionRequest } from './transition-request.entity';

const note = (ctx: Context, comment?: string | null) => ({ ...callerOf(ctx), comment });

/** Promotion, rollback, aliases, policy and approvals. */
@Resolver()
export class LifecycleMutations {
  @Authorized(Role.APPROVER)
  @Mutation(() => ModelVersion, { description: 'Any stage to any other; promoting to PRODUCTION archives the previous holder in the same transaction' })
  transitionStage(
    @Ctx() ctx: Context,
    @Arg('versionId', () => ID) versionId: string,
    @Arg('stage', () => Stage) stage: Stage,
    @Args() { comment }: CommentArgs,
  ): Promise<ModelVersion> {
    return ctx.services.stages.transition(versionId, stage, note(ctx, comment));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => ModelVersion, { description: 'Restores the version that held PRODUCTION before the current one (repeatable)' })
  rollbackStage(
    @Ctx() ctx: Context,
    @Arg('modelId', () => ID) modelId: string,
    @Args() { stage }: RollbackStageArgs,
    @Args() { comment }: CommentArgs,
  ): Promise<ModelVersion> {
    return ctx.services.stages.rollback(modelId, stage, note(ctx, comment));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Model)
  setAlias(
    @Ctx() ctx: Context,
    @Arg('modelId', () => ID) modelId: string,
    @Args() { alias }: AliasArgs,
    @Arg('versionId', () => ID) versionId: string,
    @Args() { comment }: CommentArgs,
  ): Promise<Model> {
    return ctx.services.aliases.set(modelId, alias, versionId, note(ctx, comment));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Model)
  deleteAlias(
    @Ctx() ctx: Context,
    @Arg('modelId', () => ID) modelId: string,
    @Arg('alias') alias: string,
    @Args() { comment }: CommentArgs,
  ): Promise<Model> {
    return ctx.services.aliases.delete(modelId, alias, note(ctx, comment));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Model, { description: 'Binds every role, ADMIN included' })
  setModelPolicy(
    @Ctx() ctx: Context,
    @Arg('modelId', () => ID) modelId: string,
    @Arg('input', () => ModelPolicyInput) input: ModelPolicyInput,
  ): Promise<Model> {
    return ctx.services.approvals.setPolicy(modelId, input, callerOf(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => TransitionRequest)
  requestStageTransition(
    @Ctx() ctx: Context,
    @Arg('versionId', () => ID) versionId: string,
    @Arg('stage', () => Stage) stage: Stage,
    @Args() { comment }: CommentArgs,
  ): Promise<TransitionRequest> {
    return ctx.services.approvals.requestStage(versionId, stage, note(ctx, comment));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => TransitionRequest, { description: 'Asks to point an alias (protected or not) at a version' })
  requestAliasChange(
    @Ctx() ctx: Context,
    @Arg('versionId', () => ID) versionId: string,
    @Args() { alias }: AliasArgs,
    @Args() { comment }: CommentArgs,
  ): Promise<TransitionRequest> {
    return ctx.services.approvals.requestAlias(versionId, alias, note(ctx, comment));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => TransitionRequest, { description: 'At quorum the change applies atomically; the requester cannot approve' })
  approveTransitionRequest(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Args() { comment }: CommentArgs,
  ): Promise<TransitionRequest> {
    return ctx.services.approvals.review(id, ReviewDecision.APPROVE, note(ctx, comment));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => TransitionRequest)
  rejectTransitionRequest(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Args() { comment }: CommentArgs,
  ): Promise<TransitionRequest> {
    return ctx.services.approvals.review(id, ReviewDecision.REJECT, note(ctx, comment));
  }
}
