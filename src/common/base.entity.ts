import { Field, ID, InterfaceType, ObjectType } from 'type-graphql';
import { Column, PrimaryColumn, type ColumnOptions } from 'typeorm';

@InterfaceType({ description: 'An object with a globally unique id; `node(id:)` fetches any of them.' })
export abstract class Node {
  @Field(() => ID)
  id: string;
}

/** DATETIME(6) on MySQL/MariaDB, ISO text on SQLite; values are always set by the application (ms precision). */
export function DateColumn(name: string, options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ name, type: 'datetime', precision: 6, nullable: options.nullable ?? false });
}

/** id + timestamps shared by every entity (ids are prefixed ULIDs, see common/ids.ts). */
@ObjectType()
export abstract class BaseRecord {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Field(() => Date)
  @DateColumn('created_at')
  createdAt: Date;

  @Field(() => Date)
  @DateColumn('updated_at')
  updatedAt: Date;
}

/** Milliseconds are what every engine keeps: truncate so a value read back equals the value written. */
export function now(): Date {
  return new Date(Math.floor(Date.now()));
}
