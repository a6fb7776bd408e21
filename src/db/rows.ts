import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';

/** How one alias's raw columns become an entity: the raw key and column of each stored property. */
interface Plan {
  prototype: object;
  fields: { property: string; key: string; column: ColumnMetadata }[];
}

const plans = new WeakMap<EntityMetadata, Map<string, Plan>>();

/** The columns an entity row is read from: every stored one (a relation's join column through its own property, e.g. modelId). */
export function storedColumns(metadata: EntityMetadata): ColumnMetadata[] {
  return metadata.columns.filter((c) => !c.isVirtual && !c.embeddedMetadata);
}

function planFor(metadata: EntityMetadata, alias: string): Plan {
  let byAlias = plans.get(metadata);
  if (!byAlias) plans.set(metadata, (byAlias = new Map()));
  let plan = byAlias.get(alias);
  if (!plan) {
    const target = metadata.target as { prototype?: object };
    if (typeof metadata.target !== 'function' || !target.prototype) throw new Error(`entity ${metadata.name} has no class`);
    plan = {
      prototype: target.prototype,
      // The relation object itself is never loaded here.
      fields: storedColumns(metadata).map((column) => ({ property: column.propertyName, key: `${alias}_${column.databaseName}`, column })),
    };
    byAlias.set(alias, plan);
  }
  return plan;
}

/**
 * Rows of the query's main alias as entity instances, from its raw result: what `getMany()` returns for
 * a query without joined relations, without TypeORM's general-purpose transformer (grouping, relation
 * ids, per-column lookups), which dominated the CPU profile of list reads.
 */
export async function readEntities<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): Promise<E[]> {
  return hydrateAll(qb, await qb.getRawMany<Record<string, unknown>>());
}

export function hydrateAll<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, raw: readonly Record<string, unknown>[]): E[] {
  if (raw.length === 0) return [];
  const hydrate = hydrator(qb);
  return raw.map(hydrate);
}

/** A function from one raw row (of this query) to its entity. */
export function hydrator<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): (raw: Record<string, unknown>) => E {
  const main = qb.expressionMap.mainAlias;
  if (!main?.hasMetadata) throw new Error('readEntities needs an entity query');
  return aliasHydrator<E>(main.metadata, main.name, qb.connection.driver);
}

/**
 * A function from a raw row to the entity selected under `alias` (as `alias_column` keys, the way TypeORM
 * names them): one statement may carry several entities under different aliases. Values are converted by
 * the driver as TypeORM would (dates, JSON, booleans differ between engines).
 */
export function aliasHydrator<E extends ObjectLiteral>(metadata: EntityMetadata, alias: string, driver: Driver): (raw: Record<string, unknown>) => E {
  const plan = planFor(metadata, alias);
  return (raw) => {
    const entity = Object.create(plan.prototype) as Record<string, unknown>;
    for (const { property, key, column } of plan.fields) {
      const value = raw[key];
      if (value === undefined) throw new Error(`column ${key} is missing from the row`);
      entity[property] = driver.prepareHydratedValue(value, column);
    }
    return entity as E;
  };
}
