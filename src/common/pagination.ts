import DataLoader from 'dataloader';
import { ArgsType, Directive, Field, InputType, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadInputError } from './errors';
import { MAX_BATCH } from './loaders';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: `0..${MAX_PAGE_SIZE}` })
  first: number | null = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  after?: string | null;
}

@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** How a list is ordered: one property (string or number) with the id as tie-breaker, in one direction. */
export interface Sort<E> {
  property: keyof E & string;
  direction: SortDirection;
}

export interface Page<E> {
  items: E[];
  hasNextPage: boolean;
  count: () => Promise<number>;
  sort: Sort<E>;
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

type CursorValue = string | number;

function encodeCursor(value: CursorValue, id: CursorValue): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [CursorValue, CursorValue] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && ['string', 'number'].includes(typeof parsed[0]) && ['string', 'number'].includes(typeof parsed[1])) {
      return [parsed[0] as CursorValue, parsed[1] as CursorValue];
    }
  } catch {
    // fall through: every malformed cursor gets the same answer
  }
  throw new BadInputError('after', 'is not a cursor returned by this list');
}

/** Validated page arguments (`first: null` means the default). */
export function checkPageArgs(args: PageArgs): { first: number; after: string | null } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadInputError('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  if (args.after != null) decodeCursor(args.after);
  return { first, after: args.after ?? null };
}

export function toConnection<E extends { id: CursorValue }>(cls: ClassType<Connection<E>>, page: Page<E>): Connection<E> {
  const connection = new cls() as Connection<E> & { counter: () => Promise<number> };
  const cursorOf = (e: E) => encodeCursor(e[page.sort.property] as CursorValue, e.id);
  connection.edges = page.items.map((node) => ({ cursor: cursorOf(node), node }));
  connection.nodes = page.items;
  connection.pageInfo = {
    hasNextPage: page.hasNextPage,
    endCursor: page.items.length ? cursorOf(page.items[page.items.length - 1]) : null,
  };
  connection.counter = page.count;
  return connection;
}

function applyOrder<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, alias: string, sort: Sort<E>): void {
  if (sort.property !== 'id') qb.addOrderBy(`${alias}.${sort.property}`, sort.direction);
  qb.addOrderBy(`${alias}.id`, sort.direction);
}

/** Keyset condition: rows strictly after the cursor in the sort order. */
function applyCursor<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, alias: string, sort: Sort<E>, after: string): void {
  const [value, id] = decodeCursor(after);
  const op = sort.direction === SortDirection.ASC ? '>' : '<';
  if (sort.property === 'id') {
    qb.andWhere(`${alias}.id ${op} :cursorId`, { cursorId: id });
  } else {
    qb.andWhere(`(${alias}.${sort.property} ${op} :cursorValue OR (${alias}.${sort.property} = :cursorValue AND ${alias}.id ${op} :cursorId))`,
      { cursorValue: value, cursorId: id });
  }
}

/** One page of a filtered root list: LIMIT first+1 after the cursor; the count runs only if asked for. */
export async function paginate<E extends ObjectLiteral & { id: CursorValue }>(
  qb: SelectQueryBuilder<E>,
  sort: Sort<E>,
  pageArgs: PageArgs,
): Promise<Page<E>> {
  const args = checkPageArgs(pageArgs);
  const alias = qb.alias;
  const counter = qb.clone();
  if (args.after) applyCursor(qb, alias, sort, args.after);
  applyOrder(qb, alias, sort);
  // first + 1 rows tell whether another page exists (for first: 0 too).
  const rows = await qb.take(args.first + 1).getMany();
  let counted: Promise<number> | undefined;
  return {
    items: rows.slice(0, args.first),
    hasNextPage: rows.length > args.first,
    count: () => (counted ??= counter.getCount()),
    sort,
  };
}

export interface ChildListSpec<E extends ObjectLiteral> {
  /** The filtered query over the child table, without the parent condition. */
  query: (db: import('../db/database').Database) => SelectQueryBuilder<E>;
  parentProperty: keyof E & string;
  sort: Sort<E>;
}

/**
 * Pages of a child list for many parents in one statement: ROW_NUMBER() OVER (PARTITION BY parent)
 * keeps the first `first+1` rows of each parent; a sibling loader counts per parent with GROUP BY.
 */
export function childPageLoader<E extends ObjectLiteral & { id: CursorValue }>(
  db: import('../db/database').Database,
  spec: ChildListSpec<E>,
  pageArgs: PageArgs,
): DataLoader<string, Page<E>, string> {
  const { parentProperty: parent, sort } = spec;
  const counts = new DataLoader<string, number, string>(async (parentIds) => {
    const qb = spec.query(db);
    const rows = await qb
      .select(`${qb.alias}.${parent}`, 'parent')
      .addSelect('COUNT(*)', 'n')
      .andWhere(`${qb.alias}.${parent} IN (:...countParents)`, { countParents: [...parentIds] })
      .groupBy(`${qb.alias}.${parent}`)
      .getRawMany<{ parent: string; n: number | string }>();
    const byParent = new Map(rows.map((r) => [r.parent, Number(r.n)]));
    return parentIds.map((p) => byParent.get(p) ?? 0);
  }, { maxBatchSize: MAX_BATCH });

  return new DataLoader<string, Page<E>, string>(async (parentIds) => {
    const args = checkPageArgs(pageArgs);
    const inner = spec.query(db);
    const a = inner.alias;
    const dir = sort.direction;
    const orderSql = sort.property === 'id' ? `${a}.id ${dir}` : `${a}.${columnOf(inner, sort.property)} ${dir}, ${a}.id ${dir}`;
    inner.andWhere(`${a}.${parent} IN (:...pageParents)`, { pageParents: [...parentIds] });
    if (args.after) applyCursor(inner, a, sort, args.after);
    inner
      .select(`${a}.id`, 'id')
      .addSelect(`ROW_NUMBER() OVER (PARTITION BY ${a}.${columnOf(inner, parent)} ORDER BY ${orderSql})`, 'rn');
    const rows = await db.manager
      .createQueryBuilder(inner.expressionMap.mainAlias!.target, 'page')
      .where(`page.id IN (SELECT w.id FROM (${inner.getQuery()}) w WHERE w.rn <= :pageLimit)`)
      .setParameters({ ...inner.getParameters(), pageLimit: args.first + 1 })
      .orderBy(`page.${parent}`)
      .getMany() as E[];
    const groups = new Map<string, E[]>();
    for (const row of rows) {
      const key = String(row[parent]);
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(row);
    }
    return parentIds.map((p) => {
      const list = sortRows(groups.get(p) ?? [], sort);
      return {
        items: list.slice(0, args.first),
        hasNextPage: list.length > args.first,
        count: () => counts.load(p),
        sort,
      };
    });
  }, { maxBatchSize: MAX_BATCH });
}

function columnOf<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, property: string): string {
  const column = qb.expressionMap.mainAlias!.metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`unknown sort property ${property}`);
  return column.databaseName;
}

/** Orders rows of one parent as the SQL did (numbers numerically, strings by code point like utf8mb4_bin). */
function sortRows<E extends { id: CursorValue }>(rows: E[], sort: Sort<E>): E[] {
  const sign = sort.direction === SortDirection.ASC ? 1 : -1;
  const cmp = (x: unknown, y: unknown): number => {
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const [a, b] = [Buffer.from(String(x)), Buffer.from(String(y))];
    return Buffer.compare(a, b);
  };
  return rows.sort((x, y) => sign * (cmp(x[sort.property], y[sort.property]) || cmp(x.id, y.id)));
}

@InputType()
export abstract class OrderInput<F extends string> {
  field: F;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection = SortDirection.DESC;
}
