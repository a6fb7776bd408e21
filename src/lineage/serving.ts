import { In, IsNull, type EntityManager } from 'typeorm';
import { LineageEdgeRow, LineageRelation } from './lineage-edge.entity';

export interface RevisionStamp {
  revision: number;
  at: Date;
}

/**
 * The writer of SERVED edges, called only by linkTraffic (lineage/links.ts). SERVED intervals follow a deployment's traffic, written with the revision that changes it (same
 * transaction, under the deployment's row lock): versions that leave the traffic get their open interval
 * closed at the revision's time; versions that enter it (first time, or back by rollback) get a new one.
 * Versions that stay keep their interval: a percent change is not a new serving period.
 */
export async function recordServing(em: EntityManager, deploymentId: string, stamp: RevisionStamp, versionIds: string[]): Promise<void> {
  const open = { toId: deploymentId, relation: LineageRelation.SERVED, endedAt: IsNull() };
  const serving = await em.find(LineageEdgeRow, { where: open, select: { fromId: true } });
  const leaving = serving.map((e) => e.fromId).filter((id) => !versionIds.includes(id));
  if (leaving.length) {
    await em.update(LineageEdgeRow, { ...open, fromId: In(leaving) }, { endedAt: stamp.at });
  }
  const entering = versionIds.filter((id) => !serving.some((e) => e.fromId === id));
  if (entering.length) {
    await em.insert(LineageEdgeRow, entering.map((fromId) => ({
      fromId, toId: deploymentId, relation: LineageRelation.SERVED, sinceRevision: stamp.revision, role: null, createdAt: stamp.at, endedAt: null,
    })));
  }
}
