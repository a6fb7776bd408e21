import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError } from '../common/errors';
import { typeOfId, type NodeTypeName } from '../common/ids';
import { lock } from '../common/lock';
import { replaceTags, type TagInput } from '../common/tags';
import { nodeType, nodeTypesWith } from './node-types';

/** The node types whose tags and description may change after creation (a version's content never does). */
const TAGGED = nodeTypesWith('taggable');
const DESCRIBED = nodeTypesWith('described');

/** Edits that apply to many node types alike: replacing tags, changing the description. */
export class NodeService {
  constructor(private readonly db: Database) {}

  setTags(id: string, tags: TagInput[]): Promise<object> {
    return this.edit(id, TAGGED, async (em) => {
      await replaceTags(em, id, tags);
      return {};
    });
  }

  updateDescription(id: string, description: string | null): Promise<object> {
    return this.edit(id, DESCRIBED, async () => ({ description }));
  }

  /** Locks the node's row, applies the change (plus column values it returns) and bumps updatedAt, in one transaction. */
  private edit(id: string, allowed: NodeTypeName[], change: (em: EntityManager) => Promise<Record<string, unknown>>): Promise<object> {
    const type = typeOfId(id);
    if (!type) throw new NotFoundError('Node', id, 'id');
    if (!allowed.includes(type)) throw new BadInputError('id', `a ${type} cannot be changed this way`);
    const entity: EntityTarget<ObjectLiteral> = nodeType(type).entity;
    return this.db.transaction(async (em) => {
      const row = await lock(this.db, entity, id, 'id');
      const values = { ...(await change(em)), updatedAt: now() };
      await em.update(entity, { id }, values);
      return Object.assign(row, values);
    });
  }
}
