import type { Database } from '../db/database';
import { observeLineageWalk } from '../observability/request-record';
import type { LineageRelation } from './lineage-edge.entity';

export type Direction = 'UP' | 'DOWN';

/** Which edges exist for a question: now or as of an instant, with or without ended serving intervals. */
export interface EdgeTime {
  /** Inclusive: an edge created at exactly asOf exists, an interval ended at exactly asOf has ended. */
  asOf?: Date | null;
  /** Keep SERVED intervals that had ended (by asOf, or by now). */
  includeEnded?: boolean;
}

export interface WalkOptions extends EdgeTime {
  direction: Direction;
  maxDepth: number;
  /** At most this many nodes per root (the roots themselves not counted). */
  limit: number;
  /** Only follow these relations (all when omitted). */
  relations?: readonly LineageRelation[];
}

export interface Reached {
  root: string;
  node: string;
  depth: number;
}

/**
 * The SQL condition (on `lineage_edge` aliased `alias`) for the edges that exist at that time. Only SERVED
 * rows ever have `ended_at`, so one condition covers every relation.
 */
export function edgeTimeFilter(db: Database, alias: string, time: EdgeTime): { sql: string; params: unknown[] } {
  if (!time.asOf) return { sql: time.includeEnded ? '' : ` AND ${alias}.ended_at IS NULL`, params: [] };
  const at = db.dateParam(time.asOf);
  return time.includeEnded
    ? { sql: ` AND ${alias}.created_at <= ?`, params: [at] }
    : { sql: ` AND ${alias}.created_at <= ? AND (${alias}.ended_at IS NULL OR ${alias}.ended_at > ?)`, params: [at, at] };
}

/**
 * Every node reachable from the roots in one direction, each with its shortest distance, in one
 * statement. The recursive part dedupes (root, node, depth) with UNION and stops at maxDepth + 1, so it
 * terminates on cycles and never builds path strings (which explode on diamond-shaped DAGs). A node
 * at depth maxDepth + 1 is returned too: it tells the caller the depth bound cut the graph.
 * Order: depth, then creation (the ULID part of the id), per root; at most limit + 1 rows per root.
 */
export async function walk(db: Database, roots: readonly string[], options: WalkOptions): Promise<Reached[]> {
  if (!roots.length) return [];
  const [near, far] = options.direction === 'DOWN' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
  const params: unknown[] = [];
  const relationFilter = options.relations?.length
    ? ` AND e.relation IN (${options.relations.map((r) => (params.push(r), '?')).join(', ')})` : '';
  const time = edgeTimeFilter(db, 'e', options);
  const filter = `${relationFilter}${time.sql}`;
  params.push(...time.params);
  const anchorParams = [...roots];
  const recursiveParams = [options.maxDepth + 1, ...params];
  const rootList = roots.map(() => '?').join(', ');
  const cte = `WITH RECURSIVE walk (root, node, depth) AS (
      SELECT e.${near}, e.${far}, 1 FROM lineage_edge e WHERE e.${near} IN (${rootList})${filter}
      UNION
      SELECT w.root, e.${far}, w.depth + 1 FROM walk w JOIN lineage_edge e ON e.${near} = w.node
        WHERE w.depth < ?${filter}
    ),
    shortest AS (SELECT root, node, MIN(depth) AS depth FROM walk WHERE node <> root GROUP BY root, node),
    ranked AS (SELECT root, node, depth,
      ROW_NUMBER() OVER (PARTITION BY root ORDER BY depth, SUBSTR(node, INSTR(node, '_') + 1), node) AS rn FROM shortest)`;
  const hint = db.flavor === 'mysql' ? `/*+ SET_VAR(cte_max_recursion_depth = ${options.maxDepth + 10}) */ ` : '';
  let sql = `${cte} SELECT ${hint}root, node, depth FROM ranked WHERE rn <= ? ORDER BY root, rn`;
  // MariaDB silently cuts a recursive CTE after max_recursive_iterations (a warning, not an error).
  if (db.flavor === 'mariadb') sql = `SET STATEMENT max_recursive_iterations = ${options.maxDepth + 10} FOR ${sql}`;
  const rows: { root: string; node: string; depth: number | string }[] = await db.manager.query(sql, [
    ...anchorParams, ...params, ...recursiveParams, options.limit + 1,
  ]);
  observeLineageWalk(rows.length);
  return rows.map((r) => ({ root: r.root, node: r.node, depth: Number(r.depth) }));
}
