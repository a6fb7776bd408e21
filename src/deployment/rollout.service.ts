import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError, PreconditionFailedError } from '../common/errors';
import { isIdOf } from '../common/ids';
import { requireRow } from '../common/lookup';
import { recordServing } from '../lineage/serving';
import { ModelVersion } from '../model-version/model-version.entity';
import { Deployment, DeploymentStatus } from './deployment.entity';
import { DeploymentRevision, RevisionKind, TrafficRow } from './deployment-revision.entity';

export interface TrafficSplit {
  versionId: string;
  percent: number;
}

export interface RevisionNote {
  actor: string;
  comment?: string | null;
  expectedRevision?: number | null;
}

/** Deploys and rollbacks: each writes a new immutable revision under the deployment's row lock. */
export class RolloutService {
  constructor(private readonly db: Database) {}

  deploy(deploymentId: string, traffic: TrafficSplit[], note: RevisionNote): Promise<Deployment> {
    return this.db.transaction(async (em) => {
      const deployment = await this.lockCurrent(em, deploymentId, note);
      const ids = traffic.map((t) => t.versionId);
      const wellFormed = ids.filter((id) => isIdOf('ModelVersion', id));
      const versions = wellFormed.length ? await em.findBy(ModelVersion, { id: In(wellFormed) }) : [];
      traffic.forEach((t, i) => {
        const version = versions.find((v) => v.id === t.versionId);
        if (!version) throw new NotFoundError('ModelVersion', t.versionId, `traffic.${i}.versionId`);
        if (version.modelId !== deployment.modelId) throw new BadInputError(`traffic.${i}.versionId`, 'belongs to another model than the deployment');
      });
      return this.writeRevision(em, deployment, traffic, { kind: RevisionKind.DEPLOY, rolledBackTo: null }, note);
    });
  }

  /** Copies an earlier revision's traffic (default: the one before the current) into a new revision. */
  rollback(deploymentId: string, toRevision: number | null | undefined, note: RevisionNote): Promise<Deployment> {
    return this.db.transaction(async (em) => {
      const deployment = await this.lockCurrent(em, deploymentId, note);
      const target = toRevision ?? deployment.revision - 1;
      if (toRevision != null && (!Number.isInteger(toRevision) || toRevision < 1 || toRevision >= deployment.revision)) {
        throw new BadInputError('toRevision', `must be an earlier revision, between 1 and ${Math.max(deployment.revision - 1, 1)}`);
      }
      if (target < 1) throw new PreconditionFailedError('There is no earlier revision to roll back to');
      const rows = await em.findBy(TrafficRow, { deploymentId: deployment.id, revision: target });
      const traffic = rows.map((r) => ({ versionId: r.versionId, percent: r.percent }));
      return this.writeRevision(em, deployment, traffic, { kind: RevisionKind.ROLLBACK, rolledBackTo: target }, note);
    });
  }

  /** Takes a deployment out of service: a last revision with no traffic; later deploys are refused. */
  retire(deploymentId: string, note: RevisionNote): Promise<Deployment> {
    return this.db.transaction(async (em) => {
      const deployment = await this.lockCurrent(em, deploymentId, note);
      const retired = await this.writeRevision(em, deployment, [], { kind: RevisionKind.RETIRE, rolledBackTo: null }, note);
      await em.update(Deployment, { id: deployment.id }, { status: DeploymentStatus.RETIRED });
      retired.status = DeploymentStatus.RETIRED;
      return retired;
    });
  }

  private async lockCurrent(em: EntityManager, deploymentId: string, note: RevisionNote): Promise<Deployment> {
    const deployment = await requireRow(em, Deployment, 'Deployment', deploymentId, 'deploymentId', this.db.lockClause());
    if (deployment.status === DeploymentStatus.RETIRED) throw new PreconditionFailedError(`Deployment ${deployment.name} is retired`);
    if (note.expectedRevision != null && note.expectedRevision !== deployment.revision) {
      throw new PreconditionFailedError(`expectedRevision ${note.expectedRevision} is stale: the deployment is at revision ${deployment.revision}`);
    }
    return deployment;
  }

  private async writeRevision(em: EntityManager, deployment: Deployment, traffic: TrafficSplit[],
    how: { kind: RevisionKind; rolledBackTo: number | null }, note: RevisionNote): Promise<Deployment> {
    const revision = deployment.revision + 1;
    const at = now();
    await em.insert(DeploymentRevision, {
      deploymentId: deployment.id, revision, kind: how.kind, rolledBackTo: how.rolledBackTo, actor: note.actor, comment: note.comment ?? null, at,
    });
    if (traffic.length) await em.insert(TrafficRow, traffic.map((t) => ({ deploymentId: deployment.id, revision, ...t })));
    await em.update(Deployment, { id: deployment.id }, { revision, updatedAt: at });
    await recordServing(em, deployment.id, { revision, at }, traffic.map((t) => t.versionId));
    return Object.assign(deployment, { revision, updatedAt: at });
  }
}
