import type { Database } from '../db/database';
import type { LineageRelation } from './lineage-edge.entity';
import { LineageDirection } from './lineage.types';
import { edgeTimeFilter, walk, type Direction, type EdgeTime } from './lineage.walk';

export const MAX_LINEAGE_DEPTH = 1000;
export const MAX_LINEAGE_NODES = 5000;

export interface GraphOptions extends EdgeTime {
  direction: LineageDirection;
  maxDepth: number;
  first: number;
}

/** One edge of the answer; `until` as known at asOf (an interval that ended later was still open then). */
export interface EdgeRow {
  from: string;
  to: string;
  relation: LineageRelation;
  role: string | null;
  createdAt: Date;
  until: Date | null;
}

export interface LineageIds {
  /** The root first (depth 0), then by depth and creation. */
  nodes: { id: string; depth: number }[];
  edges: EdgeRow[];
  truncated: boolean;
}

interface RawEdge {
  from_id: string;
  to_id: string;
  relation: LineageRelation;
  role: string | null;
  created_at: Date | string;
  ended_at: Date | string | null;
}

const creation = (id: string) => id.slice(id.indexOf('_') + 1);

export class LineageService {
  constructor(private readonly db: Database) {}

  /** One recursive statement per direction, one for the edges among the nodes found. */
  async graph(rootId: string, options: GraphOptions): Promise<LineageIds> {
    const { direction, maxDepth, first } = options;
    const time: EdgeTime = { asOf: options.asOf, includeEnded: options.includeEnded };
    const directions: Direction[] = direction === LineageDirection.BOTH ? ['UP', 'DOWN']
      : direction === LineageDirection.UPSTREAM ? ['UP'] : ['DOWN'];
    const limit = first - 1;
    if (maxDepth === 0 || limit === 0) {
      return { nodes: [{ id: rootId, depth: 0 }], edges: [], truncated: await this.hasAnyEdge(rootId, directions, time) };
    }
    const shortest = new Map<string, number>();
    let truncated = false;
    for (const d of directions) {
      const reached = await walk(this.db, [rootId], { direction: d, maxDepth, limit, ...time });
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
    return { nodes, edges: await this.edgesAmong(nodes.map((n) => n.id), time), truncated };
  }

  /** Raw rows, not entities: thousands of edges are common and hydration would dominate the request. */
  private async edgesAmong(ids: string[], time: EdgeTime): Promise<EdgeRow[]> {
    if (ids.length < 2) return [];
    const inSet = new Set(ids);
    const filter = edgeTimeFilter(this.db, 'e', time);
    const rows: RawEdge[] = await this.db.manager.query(
      `SELECT e.from_id, e.to_id, e.relation, e.role, e.created_at, e.ended_at FROM lineage_edge e
       WHERE e.from_id IN (${ids.map(() => '?').join(', ')})${filter.sql}
       ORDER BY e.created_at, e.from_id, e.to_id, e.since_revision`, [...ids, ...filter.params]);
    const asOf = time.asOf?.getTime() ?? Infinity;
    return rows.filter((e) => inSet.has(e.to_id)).map((e) => {
      const ended = e.ended_at == null ? null : rawDate(e.ended_at);
      return {
        from: e.from_id, to: e.to_id, relation: e.relation, role: e.role, createdAt: rawDate(e.created_at),
        until: ended && ended.getTime() <= asOf ? ended : null,
      };
    });
  }

  private async hasAnyEdge(rootId: string, directions: Direction[], time: EdgeTime): Promise<boolean> {
    const filter = edgeTimeFilter(this.db, 'e', time);
    const ends = directions.map((d) => (d === 'DOWN' ? 'e.from_id = ?' : 'e.to_id = ?'));
    const rows: unknown[] = await this.db.manager.query(
      `SELECT 1 AS found FROM lineage_edge e WHERE (${ends.join(' OR ')})${filter.sql} LIMIT 1`,
      [...directions.map(() => rootId), ...filter.params]);
    return rows.length > 0;
  }
}

/** A DATETIME read by a raw query: a Date from mysql2 (timezone Z), UTC text from SQLite. */
export function rawDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(/^\d{4}-\d\d-\d\d \d/.test(value) ? `${value.replace(' ', 'T')}Z` : value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
