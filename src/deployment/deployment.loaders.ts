import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { byIdLoader, byNameLoader, defineLoader, groupLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import { Deployment } from './deployment.entity';
import { DeploymentRevision, TrafficRow } from './deployment-revision.entity';

export const deploymentById = byIdLoader('deploymentById', Deployment);
export const deploymentByName = byNameLoader('deploymentByName', Deployment);

export const deploymentsOfModel = defineLoader('deploymentsOfModel', groupLoader<string, Deployment>(
  (db, modelIds) => db.manager.find(Deployment, { where: { modelId: In([...modelIds]) }, order: { name: 'ASC' } }),
  (d) => d.modelId,
));

/** Traffic rows of given revisions. Key: [deploymentId, revision]. */
export const trafficOf = defineLoader('trafficOf', (db) =>
  new DataLoader<[string, number], TrafficRow[], string>(async (keys) => {
    const qb = db.manager.createQueryBuilder(TrafficRow, 't');
    keys.forEach(([deploymentId, revision], i) => {
      qb.orWhere(`(t.deploymentId = :d${i} AND t.revision = :r${i})`, { [`d${i}`]: deploymentId, [`r${i}`]: revision });
    });
    const rows = await qb.orderBy('t.percent', 'DESC').addOrderBy('t.versionId', 'ASC').getMany();
    return keys.map(([d, r]) => rows.filter((row) => row.deploymentId === d && row.revision === r));
  }, { maxBatchSize: 200, cacheKeyFn: (k) => JSON.stringify(k) }),
);

/** Deployment.revisions pages, newest first, batched across deployments. */
export const revisionPages = defineLoader('revisionPages', (db, page: PageArgs) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(DeploymentRevision, 'dr'),
    parentProperty: 'deploymentId',
    sort: { property: 'sequence', direction: SortDirection.DESC },
  }, page),
);

/** The revision in force at an instant (inclusive), per deployment. Key: [deploymentId, asOf ISO]. */
export const revisionAt = defineLoader('revisionAt', (db) =>
  new DataLoader<[string, string], DeploymentRevision | null, string>(async (keys) => {
    const qb = db.manager.createQueryBuilder(DeploymentRevision, 'dr');
    keys.forEach(([deploymentId, asOf], i) => {
      qb.orWhere(`(dr.deploymentId = :d${i} AND dr.sequence = (SELECT MAX(x.seq) FROM deployment_revision x WHERE x.deployment_id = :d${i} AND x.at <= :a${i}))`,
        { [`d${i}`]: deploymentId, [`a${i}`]: new Date(asOf) });
    });
    const rows = await qb.getMany();
    return keys.map(([d, asOf]) => rows.find((r) => r.deploymentId === d && r.createdAt.getTime() <= Date.parse(asOf)) ?? null);
  }, { maxBatchSize: 200, cacheKeyFn: (k) => JSON.stringify(k) }),
);

/** Current traffic rows per version: where each version is running now (deployments come from deploymentById). */
export const currentTrafficOfVersion = defineLoader('currentTrafficOfVersion', groupLoader<string, TrafficRow>(
  (db, versionIds) => db.manager.createQueryBuilder(TrafficRow, 't')
    .innerJoin(Deployment, 'd', 'd.id = t.deploymentId AND d.revision = t.revision')
    .where('t.versionId IN (:...versionIds)', { versionIds: [...versionIds] })
    .orderBy('t.deploymentId')
    .getMany(),
  (t) => t.versionId,
));
