import type {
  DeepPartial, EntityManager, EntityTarget, FindOptionsWhere, QueryDeepPartialEntity, SelectQueryBuilder,
} from 'typeorm';
import type { Database } from '../db/database';
import { hideArchived, type ArchivableFilter } from './archival';
import { now, type BaseRecord } from './base.entity';
import { ConflictError } from './errors';
import { applyNamedFilter, namedSort, type NamedFilter, type NamedOrder } from './filters';
import { createOnce } from './idempotency';
import { newId, type NodeTypeName } from './ids';
import { paginate, type Page, type PageArgs } from './pagination';
import { insertTags, type TagInput } from './tags';
import type { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';

/** A top-level object with a unique name and a description: Experiment, Model, Dataset, Deployment. */
export interface NamedEntity extends BaseRecord {
  name: string;
  description: string | null;
}

/** What every named aggregate's create input carries (see DescribedCreateInput). */
export interface NamedCreateInput {
  name: string;
  description?: string | null;
  tags?: TagInput[] | null;
  idempotencyKey?: string | null;
}

export interface NamedAggregateServiceSpec<E extends NamedEntity> {
  entity: EntityTarget<E>;
  type: NodeTypeName;
  /** The create mutation's name: part of an idempotency key's scope. */
  mutation: string;
  /** How a taken-name conflict starts: `An experiment`, `A model`, … */
  noun: string;
  /** Archived rows (ArchivableRecord) are left out of the list unless `filter.includeArchived`. */
  archivable?: boolean;
  /** The audit event a creation records. */
  event: EventType;
}

/**
 * Create and list of a named aggregate. A subclass says which columns its create input sets besides
 * name, description and timestamps (`columns`) and which filter fields it has besides NamedFilter's
 * (`filter`); the idempotency key, the name conflict, tags and paging are handled here once.
 */
export abstract class NamedAggregateService<E extends NamedEntity, I extends NamedCreateInput, F extends NamedFilter> {
  constructor(
    protected readonly db: Database,
    private readonly spec: NamedAggregateServiceSpec<E>,
  ) {}

  /** One transaction: the row, then its tags; a taken name is CONFLICT on `input.name`. */
  create(input: I, caller: Caller): Promise<E> {
    const { entity, type, mutation, noun, event } = this.spec;
    return createOnce(this.db, {
      mutation,
      actor: caller.actor,
      input,
      id: newId(type),
      find: (id) => this.db.manager.findOneBy(entity, { id } as FindOptionsWhere<E>),
      onConflict: () => new ConflictError(`${noun} named ${JSON.stringify(input.name)} already exists`, 'input.name'),
      create: async (em, id) => {
        const own = await this.columns(input, em);
        const at = now();
        const row = em.create(entity, {
          ...own, id, name: input.name, description: input.description ?? null, createdAt: at, updatedAt: at,
        } as DeepPartial<E>);
        await em.insert(entity, row as QueryDeepPartialEntity<E>);
        await insertTags(em, id, input.tags);
        await recordEvent(this.db, caller, {
          action: event, entityType: type, entityId: id,
          after: { ...own, name: input.name, description: input.description ?? null, tags: input.tags ?? [] },
        });
        return row;
      },
    });
  }

  list(args: PageArgs, filter?: F | null, order?: NamedOrder | null): Promise<Page<E>> {
    const qb = applyNamedFilter(this.db.manager.createQueryBuilder(this.spec.entity, 'a'), filter);
    if (filter) this.filter(qb, filter);
    if (this.spec.archivable) hideArchived(qb, filter as ArchivableFilter | null | undefined);
    return paginate(qb, namedSort<E>(order), args);
  }

  /** The aggregate's own columns of a new row; may read (and check references) inside the create's transaction. */
  protected abstract columns(input: I, em: EntityManager): Promise<Partial<E>> | Partial<E>;

  /** Conditions for the aggregate's own filter fields (NamedFilter's are already applied). */
  protected filter(_qb: SelectQueryBuilder<E>, _filter: F): void {}
}
