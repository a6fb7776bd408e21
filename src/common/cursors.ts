import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadInputError } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

/** How a list is ordered: one property (string or number) with the primary key as tie-breaker, in one direction. */
export interface Sort<E> {
  property: keyof E & string;
  direction: SortDirection;
}

export type CursorValue = string | number;

/** The entity's primary key property (`id`, or `sequence` for history rows): the tie-breaker and the cursor's second half. */
export function keyOf<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): keyof E & string {
  const [key, ...more] = qb.expressionMap.mainAlias!.metadata.primaryColumns;
  if (!key || more.length) throw new Error(`a paged list needs a single-column primary key (${qb.alias})`);
  return key.propertyName as keyof E & string;
}

/** The page arguments as a client sends them (any of them may be absent or null). */
export interface PageArgsInput {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/**
 * A checked page request. Forward (`first`/`after`) takes the first `size` items after `after`; backward
 * (`last`/`before`) takes the last `size` items before `before`. Both cursors may bound either direction.
 */
export interface PageWindow {
  size: number;
  backward: boolean;
  after: string | null;
  before: string | null;
}

export function encodeCursor(value: CursorValue, id: CursorValue): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

const isCursorValue = (v: unknown): v is CursorValue => typeof v === 'string' || typeof v === 'number';

export function decodeCursor(cursor: string, argument: 'after' | 'before'): [CursorValue, CursorValue] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && isCursorValue(parsed[0]) && isCursorValue(parsed[1])) {
      return [parsed[0], parsed[1]];
    }
  } catch {
    // fall through: every malformed cursor gets the same answer
  }
  throw new BadInputError(argument, 'is not a cursor returned by this list');
}

/**
 * The window of page arguments that PageArgs has validated (ranges, first with last); cursors are decoded
 * here, where their meaning is known. With neither first nor last, a page holds DEFAULT_PAGE_SIZE.
 */
export function checkPageArgs(args: PageArgsInput): PageWindow {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (args.after != null) decodeCursor(args.after, 'after');
  if (args.before != null) decodeCursor(args.before, 'before');
  return { size: last ?? first ?? DEFAULT_PAGE_SIZE, backward: last != null, after: args.after ?? null, before: args.before ?? null };
}

export const flip = <E>(sort: Sort<E>): Sort<E> => ({
  ...sort,
  direction: sort.direction === SortDirection.ASC ? SortDirection.DESC : SortDirection.ASC,
});

/** The order rows are read in: the list's order, or its reverse when paging backward. */
export const readOrder = <E>(sort: Sort<E>, window: PageWindow): Sort<E> => (window.backward ? flip(sort) : sort);

/**
 * The keyset conditions of the window's cursors: rows strictly after `after` in `sort`, and strictly before
 * `before` (after it in the flipped order). `column` names a property's column; `param` places a value in the
 * text and returns its placeholder (called in text order, so positional `?` parameters work too).
 */
export function keysetConditions<E>(
  sort: Sort<E>, window: PageWindow, key: string, column: (property: string) => string, param: (name: string, value: CursorValue) => string,
): string[] {
  const conditions: string[] = [];
  const keyset = (s: Sort<E>, cursor: string, argument: 'after' | 'before') => {
    const [value, id] = decodeCursor(cursor, argument);
    const op = s.direction === SortDirection.ASC ? '>' : '<';
    const k = column(key);
    if (s.property === key) {
      conditions.push(`${k} ${op} ${param(`${argument}Id`, id)}`);
    } else {
      const c = column(s.property);
      conditions.push(`(${c} ${op} ${param(`${argument}Value`, value)} OR (${c} = ${param(`${argument}Value`, value)} AND ${k} ${op} ${param(`${argument}Id`, id)}))`);
    }
  };
  if (window.after) keyset(sort, window.after, 'after');
  if (window.before) keyset(flip(sort), window.before, 'before');
  return conditions;
}

/** Restricts a query to the rows between the window's cursors. */
export function applyCursors<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, sort: Sort<E>, window: PageWindow): void {
  const param = (name: string, value: CursorValue) => {
    qb.setParameter(name, value);
    return `:${name}`;
  };
  for (const condition of keysetConditions(sort, window, keyOf(qb), (property) => `${qb.alias}.${property}`, param)) qb.andWhere(condition);
}

export interface PageSlice<E> {
  items: E[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/**
 * Cuts `size + 1` rows read in `readOrder` into a page in list order. The extra row tells whether more
 * items lie beyond the page in the reading direction. On the other side, a given cursor counts as "there
 * is more" (the client came from an item there), which the Relay spec allows and which costs no query.
 */
export function slicePage<E>(rows: E[], window: PageWindow): PageSlice<E> {
  const items = rows.slice(0, window.size);
  const more = rows.length > window.size;
  if (window.backward) {
    return { items: items.reverse(), hasPreviousPage: more || window.after != null, hasNextPage: window.before != null };
  }
  return { items, hasNextPage: more || window.before != null, hasPreviousPage: window.after != null };
}
