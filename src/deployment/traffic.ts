import type { Context } from '../context';
import { versionById } from '../model-version/model-version.loaders';
import type { TrafficShare } from './deployment.entity';
import { trafficOf } from './deployment.loaders';

/** The split of one revision, with its versions, through the request's loaders. */
export async function trafficShares(ctx: Context, deploymentId: string, revision: number): Promise<TrafficShare[]> {
  if (revision === 0) return [];
  const rows = await ctx.loaders.get(trafficOf).load([deploymentId, revision]);
  const versions = await ctx.loaders.get(versionById).loadMany(rows.map((r) => r.versionId));
  return rows.map((r, i) => ({ version: versions[i] as TrafficShare['version'], percent: r.percent }));
}
