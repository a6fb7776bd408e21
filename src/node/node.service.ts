import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError } from '../common/errors';
import { typeOfId, type NodeTypeName } from '../common/ids';
import { requireRow } from '../common/lookup';
import { replaceTags, type TagInput } from '../common/tags';
import { Dataset, DatasetVersion } from '../dataset/dataset.entity';
import { Deployment } from '../deployment/deployment.entity';
import { Experiment } from '../experiment/experiment.entity';
import { Model } from '../model/model.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { Run } from '../run/run.entity';

/** The node types whose tags and description may change after creation (a version's content never does). */
const TAGGED: Partial<Record<NodeTypeName, EntityTarget<ObjectLiteral>>> = {
  Experiment, Run, Model, ModelVersion, Dataset, DatasetVersion, Deployment,
};
const DESCRIBED = new Set<NodeTypeName>(['Experiment', 'Model', 'ModelVersion', 'Dataset', 'DatasetVersion', 'Deployment']);

/** Edits that apply to many node types alike: replacing tags, changing the description. */
export class NodeService {
  constructor(private readonly db: Database) {}

  setTags(id: string, tags: TagInput[]): Promise<object> {
    return this.edit(id, Object.keys(TAGGED) as NodeTypeName[], async (em) => {
      await replaceTags(em, id, tags);
      return {};
    });
  }

  updateDescription(id: string, description: string | null): Promise<object> {
    return this.edit(id, [...DESCRIBED], async () => ({ description }));
  }

  /** Locks the node's row, applies the change (plus column values it returns) and bumps updatedAt, in one transaction. */
  private edit(id: string, allowed: NodeTypeName[], change: (em: EntityManager) => Promise<Record<string, unknown>>): Promise<object> {
    const type = typeOfId(id);
    if (!type) throw new NotFoundError('Node', id, 'id');
    if (!allowed.includes(type)) throw new BadInputError('id', `a ${type} cannot be changed this way`);
    const entity = TAGGED[type]!;
    return this.db.transaction(async (em) => {
      const row = await requireRow(em, entity, type, id, 'id', this.db.lockClause());
      const values = { ...(await change(em)), updatedAt: now() };
      await em.update(entity, { id }, values);
      return Object.assign(row, values);
    });
  }
}
