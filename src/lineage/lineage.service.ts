import type { Database } from '../db/database';
import { BadInputError } from '../common/errors';
import { LineageEdge } from './lineage-edge.entity';
import { LineageDirection } from './lineage.types';
import { walk, type Direction } from './lineage.walk';

export const MAX_LINEAGE_DEPTH = 1000;
export const MAX_LINEAGE_NODES = 5000;

export interface EdgeRow {
  from_id: string;
  to_id: string;
  relation: string;
  role: string | null;
}

export interface LineageIds {
  /** The root first (depth 0), then by depth and creation. */
  nodes: { id: string; depth: number }[];
  edges: EdgeRow[];
  truncated: boolean;
}

const creation = (id: string) => id.slice(id.indexOf('_') + 1);

export class LineageService {
  constructor(private readonly db: Database) {}

  /** One recursive statement per direction, one for the edges among the nodes found. */
  async graph(rootId: string, direction: LineageDirection, maxDepth: number, first: number): Promise<LineageIds> {
    if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > MAX_LINEAGE_DEPTH) {
      throw new BadInputError('maxDepth', `must be between 0 and ${MAX_LINEAGE_DEPTH}`);
    }
    if (!Number.isInteger(first) || first < 1 || first > MAX_LINEAGE_NODES) {
      throw new BadInputError('first', `must be between 1 and ${MAX_LINEAGE_NODES}`);
    }
    const directions: Direction[] = direction === LineageDirection.BOTH ? ['UP', 'DOWN']
      : direction === LineageDirection.UPSTREAM ? ['UP'] : ['DOWN'];
    const limit = first - 1;
    if (maxDepth === 0 || limit === 0) {
      return { nodes: [{ id: rootId, depth: 0 }], edges: [], truncated: await this.hasAnyEdge(rootId, directions) };
    }
    const shortest = new Map<string, number>();
    let truncated = false;
    for (const d of directions) {
      const reached = await walk(this.db, [rootId], { direction: d, maxDepth, limit });
      // A walk returns limit + 1 rows when more were reachable, and depth maxDepth + 1 when the bound cut it.
      if (reached.length > limit) truncated = true;
      for (const r of reached) {
        if (r.depth > maxDepth) truncated = true;
        else if ((shortest.get(r.node) ?? Infinity) > r.depth) shortest.set(r.node, r.depth);
      }
    }
    const ordered = [...shortest.entries()]
      .map(([id, depth]) => ({ id, depth }))
      .sort((a, b) => a.depth - b.depth || compare(creation(a.id), creation(b.id)) || compare(a.id, b.id));
    if (ordered.length > limit) truncated = true;
    const nodes = [{ id: rootId, depth: 0 }, ...ordered.slice(0, limit)];
    return { nodes, edges: await this.edgesAmong(nodes.map((n) => n.id)), truncated };
  }

  /** Raw rows, not entities: thousands of edges are common and hydration would dominate the request. */
  private async edgesAmong(ids: string[]): Promise<EdgeRow[]> {
    if (ids.length < 2) return [];
    const inSet = new Set(ids);
    const rows: EdgeRow[] = await this.db.manager.query(
      `SELECT from_id, to_id, relation, role FROM lineage_edge WHERE from_id IN (${ids.map(() => '?').join(', ')})
       ORDER BY created_at, from_id, to_id`, ids);
    return rows.filter((e) => inSet.has(e.to_id));
  }

  private async hasAnyEdge(rootId: string, directions: Direction[]): Promise<boolean> {
    const where = directions.map((d) => (d === 'DOWN' ? { fromId: rootId } : { toId: rootId }));
    return (await this.db.manager.count(LineageEdge, { where })) > 0;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
