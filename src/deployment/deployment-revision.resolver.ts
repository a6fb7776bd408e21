import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { present } from '../common/loaders';
import { ModelVersion } from '../model-version/model-version.entity';
import { Deployment, TrafficShare } from './deployment.entity';
import { DeploymentRevision } from './deployment-revision.entity';
import { currentTrafficOfVersion, deploymentById } from './deployment.loaders';
import { trafficShares } from './traffic';

@Resolver(() => DeploymentRevision)
export class DeploymentRevisionFields {
  @FieldResolver(() => [TrafficShare])
  traffic(@Root() r: DeploymentRevision, @Ctx() ctx: Context): Promise<TrafficShare[]> {
    return trafficShares(ctx, r.deploymentId, r.revision);
  }
}

@Resolver(() => ModelVersion)
export class VersionDeploymentFields {
  @FieldResolver(() => [Deployment], { description: 'Deployments whose current revision sends traffic to this version' })
  async deployments(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<Deployment[]> {
    const rows = await ctx.loaders.get(currentTrafficOfVersion).load(v.id);
    return present(await ctx.loaders.get(deploymentById).loadMany(rows.map((r) => r.deploymentId)));
  }
}
