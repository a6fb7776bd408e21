import { Field, InputType, registerEnumType } from 'type-graphql';
import { ValidateNested } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { TagInput } from './tags';
import { LIMITS, MaxChars } from './validation';
import { SortDirection, type Sort } from './pagination';

/** Filters every list of entities shares: a tag, and a creation window. */
@InputType()
export abstract class CreatedFilter {
  @Field(() => TagInput, { nullable: true, description: 'Only objects carrying this tag key with this value' })
  @ValidateNested()
  tag?: TagInput | null;

  @Field(() => Date, { nullable: true })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  createdBefore?: Date | null;
}

/** Filters every named list shares; each list extends it under its own input name (ModelFilter, …). */
@InputType()
export abstract class NamedFilter extends CreatedFilter {
  @Field(() => String, { nullable: true, description: 'Case-sensitive substring of the name' })
  @MaxChars(LIMITS.name)
  nameContains?: string | null;
}

export enum NamedOrderField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
}
registerEnumType(NamedOrderField, { name: 'NamedOrderField' });

@InputType('NamedOrder', { description: 'Order of a list of named objects (experiments, models, datasets, deployments)' })
export class NamedOrder {
  @Field(() => NamedOrderField, { defaultValue: NamedOrderField.CREATED_AT })
  field: NamedOrderField = NamedOrderField.CREATED_AT;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection = SortDirection.DESC;
}

export function namedSort<E extends { id: string; name: string }>(order?: NamedOrder | null): Sort<E> {
  const direction = order?.direction ?? SortDirection.DESC;
  return { property: order?.field === NamedOrderField.NAME ? 'name' : 'id', direction } as Sort<E>;
}

/** Applies nameContains / tag / createdAfter / createdBefore to a query over a named table. */
export function applyNamedFilter<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, filter?: NamedFilter | null): SelectQueryBuilder<E> {
  const a = qb.alias;
  if (filter?.nameContains) qb.andWhere(`INSTR(${a}.name, :nameContains) > 0`, { nameContains: filter.nameContains });
  return applyCommonFilter(qb, filter);
}

/**
 * The condition "the row aliased `entity` carries a tag with the key in parameter `keyParam` (and, when
 * given, the value in `valueParam`)": a probe of the tag table's (entity_id, key) primary key.
 */
export function tagExists(entity: string, tagAlias: string, keyParam: string, valueParam?: string): string {
  const value = valueParam ? ` AND ${tagAlias}.value = :${valueParam}` : '';
  return `EXISTS (SELECT 1 FROM tag ${tagAlias} WHERE ${tagAlias}.entity_id = ${entity}.id AND ${tagAlias}.key = :${keyParam}${value})`;
}

/** tag / createdAfter / createdBefore: valid on any entity table. */
export function applyCommonFilter<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, filter?: CreatedFilter | null): SelectQueryBuilder<E> {
  const a = qb.alias;
  if (filter?.tag) qb.andWhere(tagExists(a, 'ft', 'tagKey', 'tagValue'), { tagKey: filter.tag.key, tagValue: filter.tag.value });
  if (filter?.createdAfter) qb.andWhere(`${a}.createdAt > :createdAfter`, { createdAfter: filter.createdAfter });
  if (filter?.createdBefore) qb.andWhere(`${a}.createdAt < :createdBefore`, { createdBefore: filter.createdBefore });
  return qb;
}

/** Whether `applyCommonFilter` would leave any row out. */
export function commonFilterNarrows(filter?: CreatedFilter | null): boolean {
  return filter?.tag != null || filter?.createdAfter != null || filter?.createdBefore != null;
}
