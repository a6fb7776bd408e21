import { Authorized, Args, Ctx, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { CompareVersionsArgs } from './comparison.inputs';
import { VersionComparison } from './comparison.types';

@Resolver()
export class ComparisonResolver {
  @Authorized(Role.VIEWER)
  @Query(() => VersionComparison, {
    description: '2 to 10 model versions of any models side by side: hyperparameters, metrics (registration, or evaluations on '
      + 'datasetVersionId), data, tags, commits, signature compatibility',
  })
  compareVersions(@Ctx() ctx: Context, @Args() { ids, datasetVersionId }: CompareVersionsArgs): Promise<VersionComparison> {
    return ctx.services.comparison.compare(ctx.loaders, ids, datasetVersionId ?? null);
  }
}
