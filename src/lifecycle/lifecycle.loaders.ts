import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { byIdLoader, defineLoader, groupLoader, MAX_BATCH } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import type { Stage } from '../model-version/model-version.entity';
import { AliasEvent, ModelAliasRow } from './alias.entity';
import { ModelPolicy } from './policy.entity';
import { StageTransition } from './stage-transition.entity';
import { TransitionRequestStatus, TransitionRequest, TransitionReview } from './transition-request.entity';

export const requestById = byIdLoader('requestById', TransitionRequest);

/** A version's stage history, or a model's (optionally one stage), newest first. */
export const transitionsOfVersion = defineLoader('transitionsOfVersion', (db, page: PageArgs) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(StageTransition, 'st'),
    parentProperty: 'versionId',
    sort: { property: 'sequence', direction: SortDirection.DESC },
  }, page));

export const transitionsOfModel = defineLoader('transitionsOfModel', (db, p: { page: PageArgs; stage: Stage | null }) =>
  childPageLoader(db, {
    query: (d) => {
      const qb = d.manager.createQueryBuilder(StageTransition, 'st');
      if (p.stage) qb.andWhere('(st.toStage = :stage OR st.fromStage = :stage)', { stage: p.stage });
      return qb;
    },
    parentProperty: 'modelId',
    sort: { property: 'sequence', direction: SortDirection.DESC },
  }, p.page));

type AtKey = [modelId: string, name: string, asOf: string | null];

/**
 * Latest-row-per-model lookups in history tables, batched: keys sharing (name, asOf) are answered by one
 * windowed query over all their models. `asOf` is inclusive; null means now.
 */
function latestPerModel(name: string, sql: (asOf: boolean, models: string) => string) {
  return defineLoader(name, (db) =>
    new DataLoader<AtKey, string | null, string>(async (keys) => {
      const groups = new Map<string, AtKey[]>();
      for (const key of keys) {
        const group = JSON.stringify([key[1], key[2]]);
        (groups.get(group) ?? groups.set(group, []).get(group)!).push(key);
      }
      const found = new Map<string, string | null>();
      for (const group of groups.values()) {
        const [, value, asOf] = group[0];
        const models = [...new Set(group.map((k) => k[0]))];
        const text = sql(asOf != null, models.map(() => '?').join(', '));
        const atParams = Array((text.match(/\?/g)?.length ?? 0) - models.length - 1).fill(asOf == null ? null : db.dateParam(new Date(asOf)));
        const rows: { model_id: string; version_id: string | null }[] = await db.manager.query(text, [...models, value, ...atParams]);
        for (const row of rows) found.set(JSON.stringify([row.model_id, value, asOf]), row.version_id);
      }
      return keys.map((k) => found.get(JSON.stringify(k)) ?? null);
    }, { cacheKeyFn: (k) => JSON.stringify(k), maxBatchSize: MAX_BATCH }),
  );
}

/** The version holding a stage at an instant: of those whose latest transition put them there, the last to enter. */
export const versionInStageAt = latestPerModel('versionInStageAt', (asOf, models) => `
  SELECT model_id, version_id FROM (
    SELECT st.model_id, st.version_id, ROW_NUMBER() OVER (PARTITION BY st.model_id ORDER BY st.seq DESC) AS rn
    FROM stage_transition st
    WHERE st.model_id IN (${models}) AND st.to_stage = ?${asOf ? ' AND st.at <= ?' : ''}
      AND st.seq = (SELECT MAX(l.seq) FROM stage_transition l WHERE l.version_id = st.version_id${asOf ? ' AND l.at <= ?' : ''})
  ) x WHERE rn = 1`);

/** Where an alias pointed at an instant (null when unset or deleted then). */
export const aliasAt = latestPerModel('aliasAt', (asOf, models) => `
  SELECT model_id, version_id FROM (
    SELECT ae.model_id, ae.version_id, ROW_NUMBER() OVER (PARTITION BY ae.model_id ORDER BY ae.seq DESC) AS rn
    FROM alias_event ae
    WHERE ae.model_id IN (${models}) AND ae.alias = ?${asOf ? ' AND ae.at <= ?' : ''}
  ) x WHERE rn = 1`);

export const aliasesOfModel = defineLoader('aliasesOfModel', groupLoader<string, ModelAliasRow>(
  (db, ids) => db.manager.find(ModelAliasRow, { where: { modelId: In([...ids]) }, order: { name: 'ASC' } }),
  (a) => a.modelId,
));
export const aliasesOfVersion = defineLoader('aliasesOfVersion', groupLoader<string, ModelAliasRow>(
  (db, ids) => db.manager.find(ModelAliasRow, { where: { versionId: In([...ids]) }, order: { name: 'ASC' } }),
  (a) => a.versionId,
));

export const policyOf = defineLoader('policyOf', (db) =>
  new DataLoader<string, ModelPolicy | null, string>(async (ids) => {
    const rows = await db.manager.findBy(ModelPolicy, { modelId: In([...ids]) });
    return ids.map((id) => rows.find((r) => r.modelId === id) ?? null);
  }, { maxBatchSize: MAX_BATCH }),
);

export const reviewsOf = defineLoader('reviewsOf', groupLoader<string, TransitionReview>(
  (db, ids) => db.manager.find(TransitionReview, { where: { requestId: In([...ids]) }, order: { at: 'ASC', actor: 'ASC' } }),
  (r) => r.requestId,
));

export const requestsOfModel = defineLoader('requestsOfModel', (db, p: { page: PageArgs; status: TransitionRequestStatus | null }) =>
  childPageLoader(db, {
    query: (d) => {
      const qb = d.manager.createQueryBuilder(TransitionRequest, 'tr');
      if (p.status) qb.andWhere('tr.status = :status', { status: p.status });
      return qb;
    },
    parentProperty: 'modelId',
    sort: { property: 'id', direction: SortDirection.DESC },
  }, p.page));

export const aliasEventPages = defineLoader('aliasEventPages', (db, p: { page: PageArgs; alias: string | null }) =>
  childPageLoader(db, {
    query: (d) => {
      const qb = d.manager.createQueryBuilder(AliasEvent, 'ae');
      if (p.alias) qb.andWhere('ae.alias = :alias', { alias: p.alias });
      return qb;
    },
    parentProperty: 'modelId',
    sort: { property: 'sequence', direction: SortDirection.DESC },
  }, p.page));
