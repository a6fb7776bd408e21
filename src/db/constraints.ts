import { Check } from 'typeorm';

/** Name and expression of the CHECK constraint that keeps an enum-like column within its values. */
export function checkName(table: string, column: string): string {
  return `CHK_${table}_${column}`;
}

export function checkExpression(column: string, values: readonly string[]): string {
  return `${column} IN (${values.map((v) => `'${v}'`).join(', ')})`;
}

/** Declares on an entity the CHECK a migration created, so the schema diff stays empty. */
export function EnumCheck(table: string, column: string, values: Record<string, string>): ClassDecorator {
  return Check(checkName(table, column), checkExpression(column, Object.values(values)));
}

/** Foreign-key options of history rows: the row they describe can never be deleted under them. */
export const RESTRICT = { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' } as const;
/** Foreign-key options of rows that only exist as part of their parent. */
export const CASCADE = { onDelete: 'CASCADE', onUpdate: 'NO ACTION' } as const;
