import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { aliasHydrator, storedColumns } from './rows';

/**
 * The hot read paths' statements, written once per shape from the entity metadata instead of through
 * TypeORM's QueryBuilder on every batch (building the query, expanding its select list and replacing
 * property names were a seventh of the server's CPU on a typical read). A statement runs through the
 * scope-aware manager (`db.manager`), so transactions, read-replica routing, statement counting and the
 * request deadline apply as to any other; its rows become entities through rows.ts's plans.
 *
 * Parameters are positional `?` on both engines (SQLite, MySQL/MariaDB); identifiers are quoted by the
 * driver. Raw keys are `alias_column`, as TypeORM names them, so one row may carry several entities.
 */
export class TableSql<E extends ObjectLiteral> {
  /** `"e"."id" AS "e_id", "e"."name" AS "e_name", …`: every stored column of the entity. */
  readonly columns: string;
  /** `"model" "e"` */
  readonly from: string;
  /** A raw row (with this alias's keys) → the entity. */
  readonly hydrate: (raw: Record<string, unknown>) => E;
  /** The primary key's properties. */
  readonly primary: (keyof E & string)[];
  private readonly byProperty = new Map<string, string>();
  /** The raw keys of the primary key's columns. */
  private readonly primaryKeys: string[];
  private readonly statements = new Map<string, unknown>();

  constructor(dataSource: DataSource, entity: EntityTarget<E>, readonly alias: string) {
    const metadata = dataSource.getMetadata(entity);
    const { driver } = dataSource;
    const q = (name: string) => driver.escape(name);
    const columns = storedColumns(metadata);
    for (const c of columns) this.byProperty.set(c.propertyName, `${q(alias)}.${q(c.databaseName)}`);
    this.columns = columns.map((c) => `${q(alias)}.${q(c.databaseName)} AS ${q(`${alias}_${c.databaseName}`)}`).join(', ');
    this.from = `${metadata.tablePath.split('.').map(q).join('.')} ${q(alias)}`;
    this.hydrate = aliasHydrator<E>(metadata, alias, driver);
    this.primary = metadata.primaryColumns.map((c) => c.propertyName as keyof E & string);
    this.primaryKeys = metadata.primaryColumns.map((c) => `${alias}_${c.databaseName}`);
  }

  /** Whether a raw row carries this alias's entity (an outer join may have found none). */
  has(raw: Record<string, unknown>): boolean {
    return this.primaryKeys.every((k) => raw[k] != null);
  }

  /** The primary key of this alias's entity in a raw row (single-column keys), undefined when the row carries none. */
  id(raw: Record<string, unknown>): string | undefined {
    if (this.primaryKeys.length !== 1) throw new Error(`${this.alias} has no single-column primary key`);
    const value = raw[this.primaryKeys[0]];
    return value == null ? undefined : String(value);
  }

  /** The qualified, quoted column of a property: `"e"."model_id"`. */
  column(property: string): string {
    const column = this.byProperty.get(property);
    if (!column) throw new Error(`no stored column for ${this.alias}.${property}`);
    return column;
  }

  /** A statement (or its parts) named by its shape, built by `build` on first use and reused after. */
  statement<T>(shape: string, build: () => T): T {
    let sql = this.statements.get(shape) as T | undefined;
    if (sql === undefined) this.statements.set(shape, (sql = build()));
    return sql;
  }

  /** Runs a statement that selects this table's `columns` and returns the entities of its rows. */
  async read(manager: EntityManager, sql: string, params: readonly unknown[]): Promise<E[]> {
    const raw = await selectRows(manager, sql, params);
    return raw.map(this.hydrate);
  }
}

const tables = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, Map<string, TableSql<ObjectLiteral>>>>();

/**
 * The statement parts of `entity` under `alias` in the data source `manager` works on (its metadata and
 * driver), made once per data source, entity and alias.
 */
export function tableSql<E extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<E>, alias: string): TableSql<E> {
  const dataSource = manager.connection;
  let byEntity = tables.get(dataSource);
  if (!byEntity) tables.set(dataSource, (byEntity = new Map()));
  let byAlias = byEntity.get(entity);
  if (!byAlias) byEntity.set(entity, (byAlias = new Map()));
  let table = byAlias.get(alias) as TableSql<E> | undefined;
  if (!table) byAlias.set(alias, (table = new TableSql(dataSource, entity, alias)) as unknown as TableSql<ObjectLiteral>);
  return table;
}

/** `?, ?, ?`: n positional parameters (n ≥ 1), e.g. for `IN (…)`. */
export function placeholders(n: number): string {
  return n === 1 ? '?' : `${'?, '.repeat(n - 1)}?`;
}

/** Runs a SELECT through the given (scope-aware) manager and returns its raw rows. */
export async function selectRows(manager: EntityManager, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  return (await manager.query(sql, params as unknown[])) as Record<string, unknown>[];
}
