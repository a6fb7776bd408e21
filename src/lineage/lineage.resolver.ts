import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, type ClassType } from 'type-graphql';
import type { Context } from '../context';
import { NotFoundError } from '../common/errors';
import { DatasetVersion } from '../dataset/dataset.entity';
import { Deployment } from '../deployment/deployment.entity';
import { Experiment } from '../experiment/experiment.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { loadNode } from '../node/node.loaders';
import { Run } from '../run/run.entity';
import { present } from '../common/loaders';
import { datasetVersionById } from '../dataset/dataset.loaders';
import { versionById } from '../model-version/model-version.loaders';
import { runById } from '../run/run.loaders';
import { edgesInto, edgesOutOf, loadLineageNodes } from './lineage.loaders';
import { effectiveHyperparameters, missingOf, Reproducibility, upstreamOfVersion } from './reproducibility';
import { MAX_LINEAGE_DEPTH, MAX_LINEAGE_NODES } from './lineage.service';
import { LineageDirection, LineageGraph, LineageNode, type LineageNodeValue } from './lineage.types';

@Resolver()
export class LineageResolver {
  @Query(() => LineageGraph, { description: `Everything linked to a node, up to maxDepth (≤ ${MAX_LINEAGE_DEPTH}) hops and first (≤ ${MAX_LINEAGE_NODES}) nodes` })
  async lineage(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('direction', () => LineageDirection, { defaultValue: LineageDirection.BOTH }) direction: LineageDirection,
    @Arg('maxDepth', () => Int, { defaultValue: 10 }) maxDepth: number,
    @Arg('first', () => Int, { defaultValue: 500 }) first: number,
  ): Promise<LineageGraph> {
    const root = (await loadNode(ctx.loaders, id)) as LineageNodeValue | null;
    if (!root || !isLineageNode(root)) throw new NotFoundError('Lineage node', id, 'id');
    const found = await ctx.services.lineage.graph(id, direction, maxDepth, first);
    const nodes = new Map((await loadLineageNodes(ctx.loaders, found.nodes.map((n) => n.id))).map((n) => [n.id, n]));
    return {
      root,
      nodes: found.nodes.filter((n) => nodes.has(n.id)).map((n) => ({ node: nodes.get(n.id)!, depth: n.depth })),
      edges: found.edges.map((e) => ({ from: e.from_id, to: e.to_id, relation: e.relation, role: e.role })),
      truncated: found.truncated,
    };
  }
}

const LINEAGE_CLASSES = [Experiment, Run, ModelVersion, DatasetVersion, Deployment];

function isLineageNode(value: object): boolean {
  return LINEAGE_CLASSES.some((cls) => value instanceof cls);
}

/** `upstream` / `downstream` (one hop) on every lineage node type, batched through DataLoaders. */
function oneHopResolver(type: ClassType<{ id: string }>) {
  @Resolver(() => type)
  class OneHopResolver {
    @FieldResolver(() => [LineageNode], { description: 'Direct inputs (one hop upstream)' })
    async upstream(@Root() node: { id: string }, @Ctx() ctx: Context): Promise<LineageNodeValue[]> {
      const edges = await ctx.loaders.get(edgesInto).load(node.id);
      return loadLineageNodes(ctx.loaders, edges.map((e) => e.fromId));
    }

    @FieldResolver(() => [LineageNode], { description: 'Direct outputs (one hop downstream)' })
    async downstream(@Root() node: { id: string }, @Ctx() ctx: Context): Promise<LineageNodeValue[]> {
      const edges = await ctx.loaders.get(edgesOutOf).load(node.id);
      return loadLineageNodes(ctx.loaders, edges.map((e) => e.toId));
    }
  }
  Object.defineProperty(OneHopResolver, 'name', { value: `${type.name}OneHopResolver` });
  return OneHopResolver;
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
      complete: missing.length === 0, missing, gitRepo: v.gitRepo, gitCommit: v.gitCommit, ...effectiveHyperparameters(v, run),
      artifactUri: v.artifactUri, artifactDigest: v.artifactDigest, run, datasets, parents,
    };
  }
}
