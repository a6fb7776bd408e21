import DataLoader from 'dataloader';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database } from '../db/database';
import { placeholders, tableSql } from '../db/statements';

/**
 * A named loader factory; `Loaders.get` makes one instance per request (and per variant, e.g. page args).
 * `loaders` is the request's cache, for a loader whose statement also reads rows another loader serves
 * (it primes that loader, so the other field finds its rows without a statement).
 */
export interface LoaderDef<K, V, P = void> {
  readonly name: string;
  create(db: Database, params: P, loaders: Loaders): DataLoader<K, V, string>;
}

export function defineLoader<K, V, P = void>(
  name: string,
  create: (db: Database, params: P, loaders: Loaders) => DataLoader<K, V, string>,
): LoaderDef<K, V, P> {
  return { name, create };
}

export const MAX_BATCH = 5000;

/** Rows a statement read for other loaders (by loader name, then key), and the priming statements under way. */
interface Priming {
  rows: Map<string, Map<string, unknown>>;
  underway: Map<string, Set<Promise<unknown>>>;
}

/** Hands rows a statement read to other loaders of the request (see `Loaders.priming`). */
export interface Primer {
  prime<V>(def: LoaderDef<string, V>, key: string, value: V): void;
}

/** The per-request loader cache. Mutations clear it, so later fields never read stale rows. */
export class Loaders {
  private readonly cache = new Map<string, DataLoader<unknown, unknown, string>>();
  private priming_: Priming = { rows: new Map(), underway: new Map() };

  constructor(private readonly db: Database) {}

  /**
   * Runs `read`, a statement that also reads rows the loaders `defs` serve by key, and lets it hand them
   * over: until it settles, those loaders' batches wait for it (see `primed`) and then answer the keys it
   * primed without a statement of their own, so whether a field on another path finds them does not
   * depend on which statement the database answers first.
   */
  async priming<T>(defs: LoaderDef<string, unknown>[], read: (primer: Primer) => Promise<T>): Promise<T> {
    const state = this.priming_;
    const primer: Primer = {
      prime: (def, key, value) => {
        if (state !== this.priming_) return; // the cache was cleared meanwhile: nothing of it is kept
        let rows = state.rows.get(def.name);
        if (!rows) state.rows.set(def.name, (rows = new Map()));
        if (rows.has(key)) return;
        rows.set(key, value);
        this.get(def).prime(key, value);
      },
    };
    const work = read(primer);
    for (const def of defs) {
      let underway = state.underway.get(def.name);
      if (!underway) state.underway.set(def.name, (underway = new Set()));
      underway.add(work);
    }
    try {
      return await work;
    } finally {
      for (const def of defs) state.underway.get(def.name)?.delete(work);
    }
  }

  /**
   * The rows primed for loader `name` (see `priming`), once the priming statements under way have settled
   * (at once when there are none).
   */
  async primed(name: string): Promise<ReadonlyMap<string, unknown> | undefined> {
    const state = this.priming_;
    const underway = state.underway.get(name);
    if (underway?.size) await Promise.allSettled([...underway]);
    return state.rows.get(name);
  }

  /**
   * The row a statement of this request already handed to loader `def` under `key` (see `priming`), if one
   * did: a field answers with it at once, as the loader would, without a promise and a cache lookup of its
   * own (over a list's hundreds of rows, a few percent of the read's time).
   */
  known<V>(def: LoaderDef<string, V>, key: string): V | undefined {
    return this.priming_.rows.get(def.name)?.get(key) as V | undefined;
  }

  get<K, V, P>(def: LoaderDef<K, V, P>, ...params: P extends void ? [] : [P]): DataLoader<K, V, string> {
    const param = params[0] as P;
    const key = params.length ? `${def.name}:${JSON.stringify(param)}` : def.name;
    let loader = this.cache.get(key);
    if (!loader) {
      loader = def.create(this.db, param, this) as DataLoader<unknown, unknown, string>;
      this.cache.set(key, loader);
    }
    return loader as DataLoader<K, V, string>;
  }

  clearAll(): void {
    this.cache.clear();
    this.priming_ = { rows: new Map(), underway: new Map() };
  }
}

const keyOf = (k: unknown): string => (typeof k === 'string' ? k : JSON.stringify(k));

/** Whole rows whose `property` is one of `values` (a non-empty batch), in `orderBy` ascending if given. */
export function rowsWhereIn<E extends ObjectLiteral>(
  db: Database, entity: EntityTarget<E>, property: keyof E & string, values: readonly unknown[], orderBy?: keyof E & string,
): Promise<E[]> {
  const manager = db.manager;
  const t = tableSql(manager, entity, 'e');
  const select = t.statement(`in:${property}`, () => `SELECT ${t.columns} FROM ${t.from} WHERE ${t.column(property)} IN (`);
  const order = orderBy ? t.statement(`order:${orderBy}`, () => ` ORDER BY ${t.column(orderBy)} ASC`) : '';
  return t.read(manager, `${select}${placeholders(values.length)})${order}`, values);
}

/**
 * A batch function for loader `name` that answers the keys another statement of the request primed (see
 * `Loaders.priming`; after any such statement under way) from its rows, and reads only the others.
 */
function unlessPrimed<V>(
  name: string, loaders: Loaders, read: (keys: readonly string[]) => Promise<V[]>,
): (keys: readonly string[]) => Promise<V[]> {
  return async (keys) => {
    const primed = (await loaders.primed(name)) as ReadonlyMap<string, V> | undefined;
    if (!primed) return read(keys);
    const missing = keys.filter((k) => !primed.has(k));
    const found = missing.length ? await read(missing) : [];
    const byKey = new Map(missing.map((k, i) => [k, found[i]]));
    return keys.map((k) => (primed.has(k) ? primed.get(k)! : byKey.get(k)!));
  };
}

/**
 * Rows by a unique column (`WHERE column IN (…)`), null for a key no row has. A row matches only its exact
 * key (case-sensitive on every engine, whatever the column's collation). Rows another statement of the
 * request primed are not read again.
 */
function byUniqueLoader<E extends ObjectLiteral>(name: string, entity: EntityTarget<E>, property: keyof E & string): LoaderDef<string, E | null> {
  return defineLoader(name, (db, _params: void, loaders) =>
    new DataLoader<string, E | null, string>(
      unlessPrimed(name, loaders, async (keys) => {
        const rows = await rowsWhereIn(db, entity, property, keys);
        const byKey = new Map(rows.map((r) => [r[property] as unknown, r]));
        return keys.map((k) => byKey.get(k) ?? null);
      }),
      { maxBatchSize: MAX_BATCH, cacheKeyFn: keyOf },
    ),
  );
}

/** Rows by primary key, null for a missing id. */
export function byIdLoader<E extends ObjectLiteral & { id: string }>(name: string, entity: EntityTarget<E>): LoaderDef<string, E | null> {
  return byUniqueLoader(name, entity, 'id');
}

function grouped<K, V>(keys: readonly K[], rows: V[], groupKey: (row: V) => string): V[][] {
  const groups = new Map<string, V[]>();
  for (const row of rows) {
    const k = groupKey(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return keys.map((k) => groups.get(keyOf(k)) ?? []);
}

/** Lists per parent key from one query for the whole batch. */
export function groupLoader<K, V>(
  fetch: (db: Database, keys: readonly K[]) => Promise<V[]>,
  groupKey: (row: V) => string,
): (db: Database) => DataLoader<K, V[], string> {
  return (db) =>
    new DataLoader<K, V[], string>(
      async (keys) => grouped(keys, await fetch(db, keys), groupKey),
      { maxBatchSize: MAX_BATCH, cacheKeyFn: keyOf },
    );
}

/** A groupLoader by string key whose lists another statement of the request may prime (see `Loaders.priming`). */
export function primableGroupLoader<V>(
  name: string,
  fetch: (db: Database, keys: readonly string[]) => Promise<V[]>,
  groupKey: (row: V) => string,
): LoaderDef<string, V[]> {
  return defineLoader(name, (db, _params: void, loaders) =>
    new DataLoader<string, V[], string>(
      unlessPrimed(name, loaders, async (keys) => grouped(keys, await fetch(db, keys), groupKey)),
      { maxBatchSize: MAX_BATCH },
    ),
  );
}

/** Rows by their unique name, null for a missing one. */
export function byNameLoader<E extends ObjectLiteral & { name: string }>(name: string, entity: EntityTarget<E>): LoaderDef<string, E | null> {
  return byUniqueLoader(name, entity, 'name');
}

/** The rows a loadMany found (missing ids and errors dropped), in key order. */
export function present<T>(items: (T | null | Error)[]): T[] {
  return items.filter((i): i is T => i != null && !(i instanceof Error));
}
