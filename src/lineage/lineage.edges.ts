import type { EntityManager } from 'typeorm';
import { now } from '../common/base.entity';
import { LineageEdgeRow, LineageRelation } from './lineage-edge.entity';

export interface EdgeSpec {
  from: string;
  to: string;
  relation: LineageRelation;
  role?: string | null;
}

/**
 * Writes lineage edges inside the caller's transaction (with the entity that creates the link), stamped with
 * that entity's creation time so the edge exists exactly when the entity does (lineage asOf is inclusive).
 */
export async function addEdges(em: EntityManager, edges: EdgeSpec[], at: Date = now()): Promise<void> {
  if (!edges.length) return;
  await em.insert(LineageEdgeRow, edges.map((e) => ({
    fromId: e.from, toId: e.to, relation: e.relation, sinceRevision: 0, role: e.role ?? null, createdAt: at, endedAt: null,
  })));
}

export { LineageRelation };
