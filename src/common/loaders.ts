import DataLoader from 'dataloader';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database } from '../db/database';
import { readEntities } from '../db/rows';

/** A named loader factory; `Loaders.get` makes one instance per request (and per variant, e.g. page args). */
export interface LoaderDef<K, V, P = void> {
  readonly name: string;
  create(db: Database, params: P): DataLoader<K, V, string>;
}

export function defineLoader<K, V, P = void>(
  name: string,
  create: (db: Database, params: P) => DataLoader<K, V, string>,
): LoaderDef<K, V, P> {
  return { name, create };
}

export const MAX_BATCH = 5000;

/** The per-request loader cache. Mutations clear it, so later fields never read stale rows. */
export class Loaders {
  private readonly cache = new Map<string, DataLoader<unknown, unknown, string>>();

  constructor(private readonly db: Database) {}

  get<K, V, P>(def: LoaderDef<K, V, P>, ...params: P extends void ? [] : [P]): DataLoader<K, V, string> {
    const param = params[0] as P;
    const key = params.length ? `${def.name}:${JSON.stringify(param)}` : def.name;
    let loader = this.cache.get(key);
    if (!loader) {
      loader = def.create(this.db, param) as DataLoader<unknown, unknown, string>;
      this.cache.set(key, loader);
    }
    return loader as DataLoader<K, V, string>;
  }

  clearAll(): void {
    this.cache.clear();
  }
}

const keyOf = (k: unknown): string => (typeof k === 'string' ? k : JSON.stringify(k));

/** Rows by primary key (`WHERE id IN (…)`), null for a missing id. */
export function byIdLoader<E extends ObjectLiteral & { id: string }>(name: string, entity: EntityTarget<E>): LoaderDef<string, E | null> {
  return defineLoader(name, (db) =>
    new DataLoader<string, E | null, string>(
      async (ids) => {
        const rows = await readEntities(db.manager.createQueryBuilder(entity, 'e').where('e.id IN (:...ids)', { ids: [...ids] }));
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: MAX_BATCH, cacheKeyFn: keyOf },
    ),
  );
}

/** Lists per parent key from one query for the whole batch. */
export function groupLoader<K, V>(
  fetch: (db: Database, keys: readonly K[]) => Promise<V[]>,
  groupKey: (row: V) => string,
): (db: Database) => DataLoader<K, V[], string> {
  return (db) =>
    new DataLoader<K, V[], string>(
      async (keys) => {
        const rows = await fetch(db, keys);
        const groups = new Map<string, V[]>();
        for (const row of rows) {
          const k = groupKey(row);
          const list = groups.get(k);
          if (list) list.push(row);
          else groups.set(k, [row]);
        }
        return keys.map((k) => groups.get(keyOf(k)) ?? []);
      },
      { maxBatchSize: MAX_BATCH, cacheKeyFn: keyOf },
    );
}

/** Rows by their unique name (exact, case-sensitive match on every engine). */
export function byNameLoader<E extends ObjectLiteral & { name: string }>(name: string, entity: EntityTarget<E>): LoaderDef<string, E | null> {
  return defineLoader(name, (db) =>
    new DataLoader<string, E | null, string>(
      async (names) => {
        const rows = await readEntities(db.manager.createQueryBuilder(entity, 'e').where('e.name IN (:...names)', { names: [...names] }));
        const byName = new Map(rows.map((r) => [r.name, r]));
        return names.map((n) => byName.get(n) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
  );
}

/** The rows a loadMany found (missing ids and errors dropped), in key order. */
export function present<T>(items: (T | null | Error)[]): T[] {
  return items.filter((i): i is T => i != null && !(i instanceof Error));
}
