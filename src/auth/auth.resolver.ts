import { Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { callerOf } from '../audit/record';
import type { Context } from '../context';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { Model } from '../model/model.entity';
import { ApiToken, ApiTokenConnection, CreatedApiToken } from './api-token.entity';
import { requirePrincipal } from './auth-checker';
import { ApiTokensArgs, CreateApiTokenArgs, GrantModelRoleArgs, ModelSubjectArgs } from './auth.inputs';
import { grantsOfModel } from './auth.loaders';
import { ModelGrant } from './model-grant.entity';
import { Principal } from './principal';
import { Role } from './role';
import { IdArgs } from './id.args';

/** Who am I, API tokens and per-model grants. */
@Resolver()
export class AuthResolver {
  @Authorized(Role.VIEWER)
  @Query(() => Principal, { nullable: true, description: 'The caller (never null while authentication is enforced: a request without identity is refused)' })
  viewer(@Ctx() ctx: Context): Principal {
    return requirePrincipal(ctx);
  }

  @Authorized(Role.ADMIN)
  @Query(() => ApiTokenConnection, { description: 'API tokens, newest first (never their secrets)' })
  async apiTokens(@Ctx() ctx: Context, @Args() page: PageArgs, @Args() { includeRevoked }: ApiTokensArgs): Promise<Connection<ApiToken>> {
    return toConnection(ApiTokenConnection, await ctx.services.tokens.list(page, includeRevoked));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiToken, { description: 'A new token; its secret is in this answer only. The first token ends open local mode' })
  createApiToken(@Ctx() ctx: Context, @Args() args: CreateApiTokenArgs): Promise<CreatedApiToken> {
    return ctx.services.tokens.create(args, callerOf(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: 'Refuses the token from now on; false when it was revoked already' })
  revokeApiToken(@Ctx() ctx: Context, @Args() { id }: IdArgs): Promise<boolean> {
    return ctx.services.tokens.revoke(id, callerOf(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ModelGrant, { description: 'Gives a subject a role on one model (replacing its earlier grant there)' })
  grantModelRole(@Ctx() ctx: Context, @Args() { modelId, subject, role }: GrantModelRoleArgs): Promise<ModelGrant> {
    return ctx.services.grants.grant(modelId, subject, role, callerOf(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: 'Removes a subject\'s grant on a model; false when there was none' })
  revokeModelRole(@Ctx() ctx: Context, @Args() { modelId, subject }: ModelSubjectArgs): Promise<boolean> {
    return ctx.services.grants.revoke(modelId, subject, callerOf(ctx));
  }
}

@Resolver(() => Model)
export class ModelGrantFields {
  @FieldResolver(() => [ModelGrant], { description: 'Roles subjects hold on this model only, by subject' })
  grants(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelGrant[]> {
    return ctx.loaders.get(grantsOfModel).load(model.id);
  }
}
