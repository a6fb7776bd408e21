import DataLoader from 'dataloader';
import { ArgsType, Directive, Field, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import type { EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Database } from '../db/database';
import { hydrator, readEntities } from '../db/rows';
import { placeholders, tableSql, type TableSql } from '../db/statements';
import {
  applyCursors, checkPageArgs, DEFAULT_PAGE_SIZE, encodeCursor, keyOf, keysetConditions, MAX_PAGE_SIZE, readOrder, slicePage, SortDirection,
  type CursorValue, type PageArgsInput, type PageWindow, type Sort,
} from './cursors';
import { MAX_BATCH } from './loaders';
import { IntRange, NotWith } from './validation';

export { checkPageArgs, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SortDirection, type Sort } from './cursors';

registerEnumType(SortDirection, { name: 'SortDirection' });

/** Relay page arguments. The default page size lives here, not in the SDL, so `last` alone works. */
@ArgsType()
export class PageArgs implements PageArgsInput {
  @Field(() => Int, { nullable: true, description: `Page forward: the first items (0..${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given)` })
  @IntRange(0, MAX_PAGE_SIZE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Items after this cursor (the endCursor of the previous page)' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page backward: the last items (0..${MAX_PAGE_SIZE}); not with first` })
  // The Relay spec discourages both, and "the last n of the first m" is rarely what a client means.
  @NotWith('first', 'cannot be combined with first: page forward with first/after or backward with last/before')
  @IntRange(0, MAX_PAGE_SIZE) // the decorator nearest the field is checked first
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Items before this cursor (the startCursor of the next page)' })
  before?: string | null;
}

@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field({ description: 'More items follow this page (paging backward: true when `before` was given)' })
  hasNextPage: boolean;

  @Field({ description: 'More items precede this page (paging forward: true when `after` was given)' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'The first edge\'s cursor: pass as `before` for the page before' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'The last edge\'s cursor: pass as `after` for the page after' })
  endCursor: string | null;
}

export interface Page<E> {
  items: E[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  count: () => Promise<number>;
  sort: Sort<E>;
  /** The primary key property: the tie-breaker in `sort` and the second half of each cursor. */
  key: keyof E & string;
}

export interface Connection<E> {
  edges: { cursor: string; node: E }[];
  nodes: E[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/** `XConnection` / `XEdge` object types for a node type. */
export function ConnectionType<E extends object>(name: string, nodeType: ClassType<E>): ClassType<Connection<E>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor: string;

    @Field(() => nodeType)
    node: E;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass implements Connection<E> {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => [nodeType])
    nodes: E[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    counter: () => Promise<number>;

    @Field(() => Int, { description: 'All items matching the filter, across pages' })
    totalCount(): Promise<number> {
      return this.counter();
    }
  }
  return ConnectionClass;
}

export function toConnection<E extends object>(cls: ClassType<Connection<E>>, page: Page<E>): Connection<E> {
  const connection = new cls() as Connection<E> & { counter: () => Promise<number> };
  const cursorOf = (e: E) => encodeCursor(e[page.sort.property] as CursorValue, e[page.key] as CursorValue);
  // Edges (a cursor per item) only for a query that asks for them: most read `nodes`.
  let edges: Connection<E>['edges'] | undefined;
  Object.defineProperty(connection, 'edges', {
    get: () => (edges ??= page.items.map((node) => ({ cursor: cursorOf(node), node }))), enumerable: true, configurable: true,
  });
  connection.nodes = page.items;
  connection.pageInfo = {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.items.length ? cursorOf(page.items[0]) : null,
    endCursor: page.items.length ? cursorOf(page.items[page.items.length - 1]) : null,
  };
  connection.counter = page.count;
  return connection;
}

/** The properties a sort orders by: its own, then the key as the tie-breaker (once when they are the same). */
function orderTerms<E>(sort: Sort<E>, key: string): string[] {
  return sort.property === key ? [key] : [sort.property as string, key];
}

function applyOrder<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, sort: Sort<E>): void {
  for (const property of orderTerms(sort, keyOf(qb))) qb.addOrderBy(`${qb.alias}.${property}`, sort.direction);
}

/**
 * One page of a filtered root list: LIMIT size+1 between the cursors, read backward for `last`; the count
 * runs only if asked for.
 */
export async function paginate<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  sort: Sort<E>,
  pageArgs: PageArgsInput,
  /** How the page's statement is run (default: `getMany`), e.g. with a statement-level optimizer setting. */
  read: (page: SelectQueryBuilder<E>) => Promise<E[]> = (page) => page.getMany(),
): Promise<Page<E>> {
  const window = checkPageArgs(pageArgs);
  const counter = qb.clone();
  applyCursors(qb, sort, window);
  applyOrder(qb, readOrder(sort, window));
  // size + 1 rows tell whether another page exists (for a size of 0 too).
  const rows = await read(qb.take(window.size + 1));
  let counted: Promise<number> | undefined;
  return { ...slicePage(rows, window), count: () => (counted ??= counter.getCount()), sort, key: keyOf(qb) };
}

export interface ChildListSpec<E extends ObjectLiteral> {
  /**
   * The child table when the list is all its rows under a parent (`parentProperty`): its statements are
   * written once per shape (db/statements.ts), not built per batch…
   */
  entity?: EntityTarget<E>;
  /** …or the filtered query over the child table (joined to a link table if need be), without the parent condition. */
  query?: (db: Database) => SelectQueryBuilder<E>;
  /** The parent key: a property of the child… */
  parentProperty?: keyof E & string;
  /** …or a column of a joined link table, as `alias.column` (then a child may appear under several parents). */
  parentColumn?: string;
  sort: Sort<E>;
}

/** The spec's query as a QueryBuilder (for a plain table, the whole table). */
function queryOf<E extends ObjectLiteral>(db: Database, spec: ChildListSpec<E>): SelectQueryBuilder<E> {
  if (spec.query) return spec.query(db);
  return db.manager.createQueryBuilder(spec.entity!, 'c');
}

function parentExpression<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, spec: ChildListSpec<E>): string {
  if (spec.parentColumn) return spec.parentColumn;
  return `${qb.alias}.${columnOf(qb, spec.parentProperty!)}`;
}

/** Item counts per parent, one GROUP BY statement per batch. */
function childCountLoader<E extends ObjectLiteral>(db: Database, spec: ChildListSpec<E>): DataLoader<string, number, string> {
  return new DataLoader<string, number, string>(async (parentIds) => {
    const qb = queryOf(db, spec);
    const parent = parentExpression(qb, spec);
    const rows = await qb
      .select(parent, 'parent')
      .addSelect('COUNT(*)', 'n')
      .andWhere(`${parent} IN (:...countParents)`, { countParents: [...parentIds] })
      .groupBy(parent)
      .getRawMany<{ parent: string; n: number | string }>();
    const byParent = new Map(rows.map((r) => [String(r.parent), Number(r.n)]));
    return parentIds.map((p) => byParent.get(p) ?? 0);
  }, { maxBatchSize: MAX_BATCH });
}

/**
 * Pages of a child list for many parents in one statement: ROW_NUMBER() OVER (PARTITION BY parent)
 * keeps the first `size+1` rows of each parent in reading order (reversed for `last`); a sibling loader
 * counts per parent with GROUP BY.
 */
export function childPageLoader<E extends ObjectLiteral>(
  db: Database,
  spec: ChildListSpec<E>,
  pageArgs: PageArgsInput,
): DataLoader<string, Page<E>, string> {
  if (!spec.entity === !spec.query) throw new Error('a child list names either its entity or its query');
  if (spec.entity && !spec.parentProperty) throw new Error('a child list of a plain table needs its parentProperty');
  const counts = childCountLoader(db, spec);
  let key: (keyof E & string) | undefined;
  return new DataLoader<string, Page<E>, string>(async (parentIds) => {
    const window = checkPageArgs(pageArgs);
    key ??= spec.entity ? tableKey(tableSql(db.manager, spec.entity, 'c')) : keyOf(spec.query!(db));
    // One parent (a run's metric history, say): a plain LIMIT reads one page of the index, where the
    // window would rank every child of the parent.
    let groups: Map<string, E[]>;
    if (spec.entity) {
      groups = parentIds.length === 1
        ? new Map([[parentIds[0], await oneParentTableRows(db, spec as TableListSpec<E>, key, window, parentIds[0])]])
        : await windowedTableRows(db, spec as TableListSpec<E>, key, window, parentIds);
    } else {
      groups = parentIds.length === 1
        ? new Map([[parentIds[0], await oneParentRows(db, spec, window, parentIds[0])]])
        : await windowedRows(db, spec, window, parentIds);
    }
    return parentIds.map((p) => ({
      ...slicePage(sortRows(groups.get(p) ?? [], readOrder(spec.sort, window), key!), window),
      count: () => counts.load(p),
      sort: spec.sort,
      key: key!,
    }));
  }, { maxBatchSize: MAX_BATCH });
}

async function oneParentRows<E extends ObjectLiteral>(
  db: Database, spec: ChildListSpec<E>, window: PageWindow, parentId: string,
): Promise<E[]> {
  const qb = spec.query!(db);
  qb.andWhere(`${parentExpression(qb, spec)} = :onlyParent`, { onlyParent: parentId });
  applyCursors(qb, spec.sort, window);
  applyOrder(qb, readOrder(spec.sort, window));
  return readEntities(qb.limit(window.size + 1));
}

/** Up to size+1 rows per parent, in one statement; a child linked to several parents is listed under each. */
async function windowedRows<E extends ObjectLiteral>(
  db: Database, spec: ChildListSpec<E>, window: PageWindow, parentIds: readonly string[],
): Promise<Map<string, E[]>> {
  const order = readOrder(spec.sort, window);
  const inner = spec.query!(db);
  const a = inner.alias;
  const key = keyOf(inner);
  const keyColumn = columnOf(inner, key);
  const keySql = `${a}.${keyColumn}`;
  const parent = parentExpression(inner, spec);
  inner.andWhere(`${parent} IN (:...pageParents)`, { pageParents: [...parentIds] });
  applyCursors(inner, spec.sort, window);
  inner
    .select(keySql, 'id')
    .addSelect(parent, 'parent')
    .addSelect(`ROW_NUMBER() OVER (PARTITION BY ${parent} ORDER BY ${orderSql(order, key, (p) => `${a}.${columnOf(inner, p)}`)})`, 'rn');
  const outer: SelectQueryBuilder<E> = db.manager
    .createQueryBuilder(inner.expressionMap.mainAlias!.target as EntityTarget<E>, 'page')
    .innerJoin(`(${inner.getQuery()})`, 'w', `w.id = page.${keyColumn}`)
    .addSelect('w.parent', 'w_parent')
    .addSelect('w.id', 'w_id')
    .where('w.rn <= :pageLimit')
    .setParameters({ ...inner.getParameters(), pageLimit: window.size + 1 });
  const rows = await outer.getRawMany<Record<string, unknown> & { w_parent: CursorValue; w_id: CursorValue }>();
  // A child under several parents is one entity, listed under each (as getMany would return it once).
  const hydrate = hydrator(outer);
  const byId = new Map<string, E>();
  const groups = new Map<string, E[]>();
  for (const row of rows) {
    const id = String(row.w_id);
    const entity = byId.get(id) ?? hydrate(row);
    byId.set(id, entity);
    const parentKey = String(row.w_parent);
    (groups.get(parentKey) ?? groups.set(parentKey, []).get(parentKey)!).push(entity);
  }
  return groups;
}

type TableListSpec<E extends ObjectLiteral> = ChildListSpec<E> & { entity: EntityTarget<E>; parentProperty: keyof E & string };

function tableKey<E extends ObjectLiteral>(t: TableSql<E>): keyof E & string {
  if (t.primary.length !== 1) throw new Error(`a paged list needs a single-column primary key (${t.alias})`);
  return t.primary[0];
}

/** The keyset conditions of the window's cursors (as applyCursors), as SQL over table `t` and its positional parameters. */
function cursorSql<E extends ObjectLiteral>(t: TableSql<E>, key: keyof E & string, sort: Sort<E>, window: PageWindow): { sql: string; params: CursorValue[] } {
  const params: CursorValue[] = [];
  const conditions = keysetConditions(sort, window, key, (property) => t.column(property), (_name, value) => {
    params.push(value);
    return '?';
  });
  return { sql: conditions.map((c) => ` AND ${c}`).join(''), params };
}

/** `ORDER BY` terms of a reading order (the key breaks ties), `column` naming a property's column. */
function orderSql<E>(order: Sort<E>, key: string, column: (property: string) => string): string {
  return orderTerms(order, key).map((property) => `${column(property)} ${order.direction}`).join(', ');
}

/** One parent's page of a plain table: `WHERE parent = ? … ORDER BY … LIMIT size+1`. */
async function oneParentTableRows<E extends ObjectLiteral>(
  db: Database, spec: TableListSpec<E>, key: keyof E & string, window: PageWindow, parentId: string,
): Promise<E[]> {
  const manager = db.manager;
  const t = tableSql(manager, spec.entity, 'c');
  const order = readOrder(spec.sort, window);
  const cursors = cursorSql(t, key, spec.sort, window);
  const [head, tail] = t.statement(`page1:${spec.parentProperty}:${order.property}:${order.direction}`, () => [
    `SELECT ${t.columns} FROM ${t.from} WHERE ${t.column(spec.parentProperty)} = ?`,
    ` ORDER BY ${orderSql(order, key, (p) => t.column(p))} LIMIT ?`,
  ]);
  return t.read(manager, head + cursors.sql + tail, [parentId, ...cursors.params, window.size + 1]);
}

/**
 * Up to size+1 rows per parent of a plain table, in one statement: the window ranks ids over the
 * (parent, order) index, then the page's rows are read by id.
 */
async function windowedTableRows<E extends ObjectLiteral>(
  db: Database, spec: TableListSpec<E>, key: keyof E & string, window: PageWindow, parentIds: readonly string[],
): Promise<Map<string, E[]>> {
  const manager = db.manager;
  const page = tableSql(manager, spec.entity, 'page');
  const inner = tableSql(manager, spec.entity, 'c');
  const order = readOrder(spec.sort, window);
  const cursors = cursorSql(inner, key, spec.sort, window);
  const [head, middle, tail] = page.statement(`pages:${spec.parentProperty}:${order.property}:${order.direction}`, () => {
    const parent = inner.column(spec.parentProperty);
    return [
      `SELECT ${page.columns} FROM ${page.from} INNER JOIN (SELECT ${inner.column(key)} AS id, `
        + `ROW_NUMBER() OVER (PARTITION BY ${parent} ORDER BY ${orderSql(order, key, (p) => inner.column(p))}) AS rn `
        + `FROM ${inner.from} WHERE ${parent} IN (`,
      ')',
      `) w ON w.id = ${page.column(key)} WHERE w.rn <= ?`,
    ];
  });
  const rows = await page.read(manager, head + placeholders(parentIds.length) + middle + cursors.sql + tail,
    [...parentIds, ...cursors.params, window.size + 1]);
  const groups = new Map<string, E[]>();
  for (const row of rows) {
    const parentKey = String(row[spec.parentProperty]);
    const list = groups.get(parentKey);
    if (list) list.push(row);
    else groups.set(parentKey, [row]);
  }
  return groups;
}

function columnOf<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, property: string): string {
  const column = qb.expressionMap.mainAlias!.metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`unknown sort property ${property}`);
  return column.databaseName;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Orders rows of one parent as the SQL did (numbers numerically, strings by code point like utf8mb4_bin). */
function sortRows<E extends object>(rows: E[], sort: Sort<E>, key: keyof E): E[] {
  const sign = sort.direction === SortDirection.ASC ? 1 : -1;
  const cmp = (x: unknown, y: unknown): number => {
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const [a, b] = [String(x), String(y)];
    // ASCII (ids, most names) orders the same by UTF-16 unit as by UTF-8 byte, without encoding each side.
    if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  };
  return rows.sort((x, y) => sign * (cmp(x[sort.property], y[sort.property]) || cmp(x[key], y[key])));
}
