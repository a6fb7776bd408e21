import { Field, InputType, ObjectType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BaseRecord, DateColumn } from './base.entity';
import { PreconditionFailedError } from './errors';
import { NamedFilter } from './filters';

/**
 * A top-level object that is archived instead of deleted (Model, Dataset, Experiment): archival hides it from
 * its list and refuses new children; its row, history and lineage stay, and restoring it undoes the archival.
 */
@ObjectType()
export abstract class ArchivableRecord extends BaseRecord {
  @Field(() => Date, { nullable: true, description: 'When it was archived; null while active' })
  @DateColumn('archived_at', { nullable: true })
  archivedAt: Date | null;

  @Field({ description: 'Archived: left out of its list unless includeArchived; takes no new versions, runs or deployments' })
  get archived(): boolean {
    return this.archivedAt != null;
  }
}

/** The list filter of an archivable aggregate (ModelFilter, DatasetFilter, ExperimentFilter). */
@InputType()
export abstract class ArchivableFilter extends NamedFilter {
  @Field(() => Boolean, { nullable: true, description: 'true: archived ones too (by default they are left out)' })
  includeArchived?: boolean | null;
}

/** Leaves archived rows out of a list unless the filter asks for them. */
export function hideArchived<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, filter?: { includeArchived?: boolean | null } | null): SelectQueryBuilder<E> {
  return filter?.includeArchived ? qb : qb.andWhere(`${qb.alias}.archivedAt IS NULL`);
}

/** New children (versions, runs, deployments) go only to an active parent, checked under the parent's lock. */
export function requireActive(row: { archivedAt: Date | null; name: string }, noun: string): void {
  if (row.archivedAt != null) throw new PreconditionFailedError(`${noun} ${row.name} is archived: restore it first`);
}
