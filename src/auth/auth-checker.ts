import type { AuthCheckerFn } from 'type-graphql';
import type { Context } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { typeOfId } from '../common/ids';
import { deploymentById } from '../deployment/deployment.loaders';
import { requestById } from '../lifecycle/lifecycle.loaders';
import { modelByName } from '../model/model.loaders';
import { versionById } from '../model-version/model-version.loaders';
import { grantsOfSubject } from './auth.loaders';
import type { Principal } from './principal';
import { higher, includes, Role } from './role';

type Args = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The models a root field acts on, read from its arguments (before validation; a malformed or unknown
 * reference names no model, so only the global role counts): `modelId`; `versionId`, `deploymentId`
 * (also `input.deploymentId`: setDriftPolicy) → their model; `id` of a model, version or transition request (setTags, updateDescription, approvals);
 * `input.modelId` / `input.modelName` (createModelVersion, createDeployment).
 */
export async function modelsOf(ctx: Context, args: Args): Promise<string[]> {
  const input = typeof args.input === 'object' && args.input !== null ? (args.input as Args) : {};
  const id = str(args.id);
  const modelIds = [str(args.modelId), str(input.modelId), id && typeOfId(id) === 'Model' ? id : null];
  const versionIds = [str(args.versionId), id && typeOfId(id) === 'ModelVersion' ? id : null];
  const found = await Promise.all([
    ...versionIds.map(async (v) => (v ? (await ctx.loaders.get(versionById).load(v))?.modelId ?? '' : null)),
    (async () => { const d = str(args.deploymentId) ?? str(input.deploymentId); return d ? (await ctx.loaders.get(deploymentById).load(d))?.modelId ?? '' : null; })(),
    (async () => (id && typeOfId(id) === 'TransitionRequest' ? (await ctx.loaders.get(requestById).load(id))?.modelId ?? '' : null))(),
    (async () => { const n = str(input.modelName); return n ? (await ctx.loaders.get(modelByName).load(n))?.id ?? '' : null; })(),
  ]);
  // '' marks a reference to nothing: no grant can cover it.
  return [...new Set([...modelIds, ...found].filter((m): m is string => m !== null))];
}

/** The caller, or UNAUTHENTICATED. */
export function requirePrincipal(ctx: Context): Principal {
  if (!ctx.principal) throw new UnauthenticatedError(ctx.authFailure ?? 'missing');
  return ctx.principal;
}

/**
 * The one authorization decision. The global role suffices, or (below ADMIN) the field acts on models and
 * on each of them a grant raises the caller to `needed`. Otherwise FORBIDDEN naming the role.
 */
export async function authorize(ctx: Context, needed: Role, field: string, args: Args = {}): Promise<void> {
  const caller = requirePrincipal(ctx);
  if (includes(caller.role, needed)) return;
  if (needed !== Role.ADMIN) {
    const models = await modelsOf(ctx, args);
    if (models.length) {
      const grants = await ctx.loaders.get(grantsOfSubject).load(caller.subject);
      if (models.every((m) => includes(higher(caller.role, grants.get(m)), needed))) return;
    }
  }
  throw new ForbiddenError(`${field} needs the ${needed} role${needed === Role.ADMIN ? '' : ' (globally or on the model)'}; you have ${caller.role}`);
}

/** type-graphql's checker: every root field declares its role with `@Authorized(Role.X)`. */
export const authChecker: AuthCheckerFn<Context, Role> = async ({ args, context, info }, roles) => {
  const needed = roles[0] ?? Role.VIEWER;
  await authorize(context, needed, info.fieldName, args as Args);
  return true;
};
