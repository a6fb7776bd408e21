import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { NotFoundError } from '../common/errors';
import { DatasetRole, ModelVersion } from '../model-version/model-version.entity';
import { loadNode } from '../node/node.loaders';
import { LINEAGE_CLASSES } from '../node/node-types';
import { present } from '../common/loaders';
import { datasetVersionById } from '../dataset/dataset.loaders';
import { versionById } from '../model-version/model-version.loaders';
import { runById } from '../run/run.loaders';
import { loadLineageNodes, MAX_ONE_HOP, neighbours, ONE_HOP_DEFAULT } from './lineage.loaders';
import { effectiveHyperparameters, missingOf, Reproducibility, upstreamOfVersion } from './reproducibility';
import { LineageBoundsArgs, OneHopArgs } from './lineage.inputs';
import { MAX_LINEAGE_DEPTH, MAX_LINEAGE_NODES } from './lineage.service';
import { isLineageNode, LineageDirection, LineageGraph, LineageNode, type LineageNodeValue } from './lineage.types';
import type { Direction } from './lineage.walk';

@Resolver()
export class LineageResolver {
  @Authorized(Role.VIEWER)
  @Query(() => LineageGraph, { description: `Everything linked to a node, up to maxDepth (≤ ${MAX_LINEAGE_DEPTH}) hops and first (≤ ${MAX_LINEAGE_NODES}) nodes, now or as of an instant` })
  async lineage(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('direction', () => LineageDirection, { defaultValue: LineageDirection.BOTH }) direction: LineageDirection,
    @Args() { maxDepth, first }: LineageBoundsArgs,
    @Arg('asOf', () => Date, { nullable: true, description: 'The graph as it was then (inclusive); now when omitted' }) asOf: Date | null,
    @Arg('includeEnded', () => Boolean, { nullable: true, defaultValue: false, description: 'Also SERVED intervals that had ended, one edge each, with `until`' }) includeEnded: boolean | null,
  ): Promise<LineageGraph> {
    const root = await loadNode(ctx.loaders, id);
    if (!root || !isLineageNode(root)) throw new NotFoundError('Lineage node', id, 'id');
    const found = await ctx.services.lineage.graph(id, { direction, maxDepth, first, asOf, includeEnded: includeEnded ?? false });
    const existed = (n: LineageNodeValue) => !asOf || n.id === id || n.createdAt.getTime() <= asOf.getTime();
    const loaded = await loadLineageNodes(ctx.loaders, found.nodes.map((n) => n.id));
    const nodes = new Map(loaded.filter(existed).map((n) => [n.id, n]));
    return {
      root,
      nodes: found.nodes.filter((n) => nodes.has(n.id)).map((n) => ({ node: nodes.get(n.id)!, depth: n.depth })),
      edges: found.edges.filter((e) => nodes.has(e.from) && nodes.has(e.to)).map((e) => ({ ...e, role: e.role as DatasetRole | null })),
      truncated: found.truncated,
    };
  }
}

/** `upstream` / `downstream` (one hop) on every lineage node type, batched through DataLoaders. */
function oneHopResolver(type: ClassType<{ id: string }>) {
  @Resolver(() => type)
  class OneHopResolver {
    @FieldResolver(() => [LineageNode], { description: `Direct inputs (one hop upstream) that exist now, oldest link first; first ≤ ${MAX_ONE_HOP}` })
    upstream(@Root() node: { id: string }, @Ctx() ctx: Context,
      @Args() { first }: OneHopArgs): Promise<LineageNodeValue[]> {
      return oneHop(ctx, node.id, 'UP', first);
    }

    @FieldResolver(() => [LineageNode], { description: `Direct outputs (one hop downstream) that exist now, oldest link first; first ≤ ${MAX_ONE_HOP}` })
    downstream(@Root() node: { id: string }, @Ctx() ctx: Context,
      @Args() { first }: OneHopArgs): Promise<LineageNodeValue[]> {
      return oneHop(ctx, node.id, 'DOWN', first);
    }
  }
  Object.defineProperty(OneHopResolver, 'name', { value: `${type.name}OneHopResolver` });
  return OneHopResolver;
}

async function oneHop(ctx: Context, id: string, direction: Direction, requested: number | null): Promise<LineageNodeValue[]> {
  const first = requested ?? ONE_HOP_DEFAULT;
  if (first === 0) return [];
  const ids = await ctx.loaders.get(neighbours, { direction, first }).load(id);
  return loadLineageNodes(ctx.loaders, ids);
}

export const ONE_HOP_RESOLVERS = LINEAGE_CLASSES.map((cls) => oneHopResolver(cls as ClassType<{ id: string }>));

@Resolver(() => ModelVersion)
export class ReproducibilityResolver {
  @FieldResolver(() => Reproducibility, { description: 'What made this version, to recreate it' })
  async reproducibility(@Root() v: ModelVersion, @Ctx() ctx: Context): Promise<Reproducibility> {
    const upstream = await ctx.loaders.get(upstreamOfVersion).load(v.id);
    const [run, datasets, parents] = await Promise.all([
      v.runId ? ctx.loaders.get(runById).load(v.runId) : null,
      ctx.loaders.get(datasetVersionById).loadMany(upstream.datasetVersionIds).then(present),
      ctx.loaders.get(versionById).loadMany(upstream.parentIds).then(present),
    ]);
    const missing = missingOf(v, run, datasets);
    return {
      complete: missing.length === 0, missing, gitRepo: v.gitRepo, gitCommit: v.gitCommit, ...effectiveHyperparameters(v),
      artifactUri: v.artifactUri, artifactDigest: v.artifactDigest, run, datasets, parents,
    };
  }
}
