import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';

/** How one alias's raw columns become an entity: the raw key and column of each stored property. */
interface Plan {
  prototype: object;
  fields: { property: string; key: string; column: ColumnMetadata }[];
}

const plans = new WeakMap<EntityMetadata, Map<string, Plan>>();

function planFor(metadata: EntityMetadata, alias: string): Plan {
  let byAlias = plans.get(metadata);
  if (!byAlias) plans.set(metadata, (byAlias = new Map()));
  let plan = byAlias.get(alias);
  if (!plan) {
    const target = metadata.target as { prototype?: object };
    if (typeof metadata.target !== 'function' || !target.prototype) throw new Error(`entity ${metadata.name} has no class`);
    plan = {
      prototype: target.prototype,
      // A relation's join column is read through its own property (modelId…); the relation object is never loaded here.
      fields: metadata.columns.filter((c) => !c.isVirtual && !c.embeddedMetadata)
        .map((column) => ({ property: column.propertyName, key: `${alias}_${column.databaseName}`, column })),
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
  const plan = planFor(main.metadata, main.name);
  const driver = qb.connection.driver;
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
