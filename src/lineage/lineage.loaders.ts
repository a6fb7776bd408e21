import { In } from 'typeorm';
import { defineLoader, groupLoader, present, type Loaders } from '../common/loaders';
import { loadNode } from '../node/node.loaders';
import { LineageEdge } from './lineage-edge.entity';
import type { LineageNodeValue } from './lineage.types';

/** One hop: edges into each node (its inputs) and out of it (its outputs). */
export const edgesInto = defineLoader('edgesInto', groupLoader<string, LineageEdge>(
  (db, ids) => db.manager.find(LineageEdge, { where: { toId: In([...ids]) }, order: { createdAt: 'ASC', fromId: 'ASC' } }),
  (e) => e.toId,
));
export const edgesOutOf = defineLoader('edgesOutOf', groupLoader<string, LineageEdge>(
  (db, ids) => db.manager.find(LineageEdge, { where: { fromId: In([...ids]) }, order: { createdAt: 'ASC', toId: 'ASC' } }),
  (e) => e.fromId,
));

/** Nodes by id through the per-type loaders (one batched query per type), in the order given. */
export async function loadLineageNodes(loaders: Loaders, ids: string[]): Promise<LineageNodeValue[]> {
  const unique = [...new Set(ids)];
  return present(await Promise.all(unique.map((id) => loadNode(loaders, id)))) as LineageNodeValue[];
}
