import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError } from '../common/errors';
import { typeOfId, type NodeTypeName } from '../common/ids';
import { lock } from '../common/lock';
import { replaceTags, Tag, type TagInput } from '../common/tags';
import { nodeType, nodeTypesWith } from './node-types';

/** The node types whose tags and description may change after creation (a version's content never does). */
const TAGGED = nodeTypesWith('taggable');
const DESCRIBED = nodeTypesWith('described');

/** What an edit changed, for its audit event; null when nothing did (no event then). */
type Change = { values: Record<string, unknown>; before: object; after: object } | null;

const sortedTags = (tags: { key: string; value: string }[]) =>
  tags.map(({ key, value }) => ({ key, value })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** Edits that apply to many node types alike: replacing tags, changing the description. */
export class NodeService {
  constructor(private readonly db: Database) {}

  setTags(id: string, tags: TagInput[], caller: Caller): Promise<object> {
    return this.edit(id, TAGGED, EventType.TAGS_SET, caller, async (em) => {
      const before = sortedTags(await em.find(Tag, { where: { entityId: id } }));
      await replaceTags(em, id, tags);
      const after = sortedTags(tags);
      return JSON.stringify(before) === JSON.stringify(after) ? null : { values: {}, before: { tags: before }, after: { tags: after } };
    });
  }

  updateDescription(id: string, description: string | null, caller: Caller): Promise<object> {
    return this.edit(id, DESCRIBED, EventType.DESCRIPTION_UPDATED, caller, async (_em, row) => {
      const before = (row.description as string | null | undefined) ?? null;
      return before === description ? null : { values: { description }, before: { description: before }, after: { description } };
    });
  }

  /**
   * Locks the node's row, applies the change (plus column values it returns) and bumps updatedAt, in one
   * transaction, with its audit event when something changed.
   */
  private edit(id: string, allowed: NodeTypeName[], action: EventType, caller: Caller,
    change: (em: EntityManager, row: ObjectLiteral) => Promise<Change>): Promise<object> {
    const type = typeOfId(id);
    if (!type) throw new NotFoundError('Node', id, 'id');
    if (!allowed.includes(type)) throw new BadInputError('id', `a ${type} cannot be changed this way`);
    const entity: EntityTarget<ObjectLiteral> = nodeType(type).entity;
    return this.db.transaction(async (em) => {
      const row = await lock(this.db, entity, id, 'id');
      const changed = await change(em, row);
      const values = { ...changed?.values, updatedAt: now() };
      await em.update(entity, { id }, values);
      if (changed) await recordEvent(this.db, caller, { action, entityType: type, entityId: id, before: changed.before, after: changed.after });
      return Object.assign(row, values);
    });
  }
}
