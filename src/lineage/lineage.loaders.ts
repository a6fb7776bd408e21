import DataLoader from 'dataloader';
import { defineLoader, present, type Loaders } from '../common/loaders';
import { loadNode } from '../node/node.loaders';
import type { LineageNodeValue } from './lineage.types';
import { edgeTimeFilter, type Direction } from './lineage.walk';

export const MAX_ONE_HOP = 1000;
export const ONE_HOP_DEFAULT = 100;

/**
 * One hop for many nodes in one statement: each node's direct inputs (UP) or outputs (DOWN) over the links
 * that exist now (ended serving intervals left out), a neighbour once however many links lead to it, oldest
 * link first, at most `first` per node.
 */
export const neighbours = defineLoader('lineageNeighbours', (db, p: { direction: Direction; first: number }) =>
  new DataLoader<string, string[], string>(async (ids) => {
    const [near, far] = p.direction === 'DOWN' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
    const current = edgeTimeFilter(db, 'e', {});
    const rows: { node_id: string; other_id: string }[] = await db.manager.query(
      `SELECT node_id, other_id FROM (
         SELECT node_id, other_id, ROW_NUMBER() OVER (PARTITION BY node_id ORDER BY linked_at, other_id) AS rn FROM (
           SELECT e.${near} AS node_id, e.${far} AS other_id, MIN(e.created_at) AS linked_at FROM lineage_edge e
           WHERE e.${near} IN (${ids.map(() => '?').join(', ')})${current.sql} GROUP BY e.${near}, e.${far}) linked) ranked
       WHERE rn <= ? ORDER BY node_id, rn`, [...ids, ...current.params, p.first]);
    const byNode = new Map<string, string[]>();
    for (const r of rows) {
      const list = byNode.get(r.node_id);
      if (list) list.push(r.other_id);
      else byNode.set(r.node_id, [r.other_id]);
    }
    return ids.map((id) => byNode.get(id) ?? []);
  }, { maxBatchSize: 1000 }),
);

/** Nodes by id through the per-type loaders (one batched query per type), in the order given. */
export async function loadLineageNodes(loaders: Loaders, ids: string[]): Promise<LineageNodeValue[]> {
  const unique = [...new Set(ids)];
  return present(await Promise.all(unique.map((id) => loadNode(loaders, id)))) as LineageNodeValue[];
}
