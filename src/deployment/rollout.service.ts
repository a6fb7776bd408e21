import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError, PreconditionFailedError } from '../common/errors';
import { isIdOf } from '../common/ids';
import { lock } from '../common/lock';
import { requireDeployable } from '../lifecycle/deploy-policy';
import { linkTraffic } from '../lineage/links';
import { ModelVersion } from '../model-version/model-version.entity';
import { Deployment, DeploymentStatus } from './deployment.entity';
import { DeploymentRevision, DeploymentRevisionKind, TrafficRow } from './deployment-revision.entity';

export interface TrafficSplit {
  versionId: string;
  percent: number;
}

export interface RevisionNote extends Caller {
  comment?: string | null;
  expectedRevision?: number | null;
}

/** Deploys and rollbacks: each writes a new immutable revision under the deployment's row lock. */
export class RolloutService {
  constructor(private readonly db: Database) {}

  deploy(deploymentId: string, traffic: TrafficSplit[], note: RevisionNote): Promise<Deployment> {
    return this.db.transaction(async (em) => {
      const deployment = await this.lockCurrent(deploymentId, note);
      const ids = traffic.map((t) => t.versionId);
      const wellFormed = ids.filter((id) => isIdOf('ModelVersion', id));
      const versions = wellFormed.length ? await em.findBy(ModelVersion, { id: In(wellFormed) }) : [];
      traffic.forEach((t, i) => {
        const version = versions.find((v) => v.id === t.versionId);
        if (!version) throw new NotFoundError('ModelVersion', t.versionId, `traffic.${i}.versionId`);
        if (version.modelId !== deployment.modelId) throw new BadInputError(`traffic.${i}.versionId`, 'belongs to another model than the deployment');
      });
        await requireDeployable(this.db, deployment.modelId, ids);
      const before = { revision: deployment.revision };
      const deployed = await this.writeRevision(em, deployment, traffic, { kind: DeploymentRevisionKind.DEPLOY, rolledBackTo: null }, note);
      await this.recordRevision(EventType.DEPLOYMENT_UPDATED, deployed, before, { traffic }, note);
      return deployed;
    });
  }

  /** Copies an earlier revision's traffic (default: the one before the current) into a new revision. */
  rollback(deploymentId: string, toRevision: number | null | undefined, note: RevisionNote): Promise<Deployment> {
    return this.db.transaction(async (em) => {
      const deployment = await this.lockCurrent(deploymentId, note);
      const target = toRevision ?? deployment.revision - 1;
      if (toRevision != null && (!Number.isInteger(toRevision) || toRevision < 1 || toRevision >= deployment.revision)) {
        throw new BadInputError('toRevision', `must be an earlier revision, between 1 and ${Math.max(deployment.revision - 1, 1)}`);
      }
      if (target < 1) throw new PreconditionFailedError('There is no earlier revision to roll back to');
      const rows = await em.findBy(TrafficRow, { deploymentId: deployment.id, revision: target });
      const traffic = rows.map((r) => ({ versionId: r.versionId, percent: r.percent }));
      const before = { revision: deployment.revision };
      const rolled = await this.writeRevision(em, deployment, traffic, { kind: DeploymentRevisionKind.ROLLBACK, rolledBackTo: target }, note);
      await this.recordRevision(EventType.DEPLOYMENT_ROLLED_BACK, rolled, before, { rolledBackTo: target, traffic }, note);
      return rolled;
    });
  }

  /** Takes a deployment out of service: a last revision with no traffic; later deploys are refused. */
  retire(deploymentId: string, note: RevisionNote): Promise<Deployment> {
    return this.db.transaction(async (em) => {
      const deployment = await this.lockCurrent(deploymentId, note);
      const before = { revision: deployment.revision, status: deployment.status };
      const retired = await this.writeRevision(em, deployment, [], { kind: DeploymentRevisionKind.RETIRE, rolledBackTo: null }, note);
      await em.update(Deployment, { id: deployment.id }, { status: DeploymentStatus.RETIRED });
      retired.status = DeploymentStatus.RETIRED;
      await this.recordRevision(EventType.DEPLOYMENT_RETIRED, retired, before, { status: DeploymentStatus.RETIRED, traffic: [] }, note);
      return retired;
    });
  }

  /** The audit event of a new revision: the revision before, the new one and what it holds. */
  private recordRevision(action: EventType, deployment: Deployment, before: object, after: object, note: RevisionNote): Promise<void> {
    return recordEvent(this.db, note, {
      action, entityType: 'Deployment', entityId: deployment.id, before,
      after: { revision: deployment.revision, ...after, ...(note.comment ? { comment: note.comment } : {}) },
    });
  }

  /** The deployment under its row lock, refused when retired or when the caller's expected revision is stale. */
  private async lockCurrent(deploymentId: string, note: RevisionNote): Promise<Deployment> {
    const deployment = await lock(this.db, Deployment, deploymentId, 'deploymentId');
    if (deployment.status === DeploymentStatus.RETIRED) throw new PreconditionFailedError(`Deployment ${deployment.name} is retired`);
    if (note.expectedRevision != null && note.expectedRevision !== deployment.revision) {
      throw new PreconditionFailedError(`expectedRevision ${note.expectedRevision} is stale: the deployment is at revision ${deployment.revision}`);
    }
    return deployment;
  }

  private async writeRevision(em: EntityManager, deployment: Deployment, traffic: TrafficSplit[],
    how: { kind: DeploymentRevisionKind; rolledBackTo: number | null }, note: RevisionNote): Promise<Deployment> {
    const revision = deployment.revision + 1;
    const at = now();
    await em.insert(DeploymentRevision, {
      deploymentId: deployment.id, revision, kind: how.kind, rolledBackTo: how.rolledBackTo, actor: note.actor, comment: note.comment ?? null, createdAt: at,
    });
    await linkTraffic(em, deployment.id, { revision, at }, traffic);
    await em.update(Deployment, { id: deployment.id }, { revision, updatedAt: at });
    return Object.assign(deployment, { revision, updatedAt: at });
  }
}
