import { getNullableType, isInputObjectType, isListType, isScalarType, type GraphQLInputType, type GraphQLResolveInfo } from 'graphql';

/** JSON values (parameters, hyperparameters, signatures, schemas) nest at most this deep on every engine. */
export const JSON_MAX_DEPTH = 20;

export interface EdgeProblem {
  /** The input path, as `extensions.field` names it (`input.params`, `metrics.0.value`). */
  field: string;
  message: string;
}

const NOT_UNICODE = 'must be well-formed Unicode (it contains a lone UTF-16 surrogate)';
const NOT_FINITE = 'must be a finite number';

/** `String.prototype.isWellFormed` (Node 20; not in the ES2022 typings): in a `u` regex a pair is one code point. */
const LONE_SURROGATE = /\p{Surrogate}/u;
export const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** Length in Unicode code points, as the limits' messages count characters (an emoji is one). */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Values no database stores as given: lone UTF-16 surrogates (stored as U+FFFD), non-finite numbers
 * (`1e309` written inline parses to Infinity, which SQL refuses) and JSON nested deeper than the engines
 * agree on. Checked on the arguments as graphql-js coerced them, so an inline literal and a variable are
 * judged alike. Iterative: a 100,000-level JSON value must not overflow the stack.
 */
export function edgeValueProblem(args: Record<string, unknown>, info: GraphQLResolveInfo): EdgeProblem | null {
  const definition = info.parentType.getFields()[info.fieldName];
  if (!definition) return null;
  type Item = { value: unknown; type: GraphQLInputType; path: string };
  const stack: Item[] = definition.args.map((a) => ({ value: args[a.name], type: a.type, path: a.name })).reverse();
  while (stack.length > 0) {
    const { value, type: declared, path } = stack.pop()!;
    if (value == null) continue;
    const type = getNullableType(declared);
    if (isListType(type) && Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], type: type.ofType, path: `${path}.${i}` });
    } else if (isInputObjectType(type) && typeof value === 'object') {
      const fields = Object.values(type.getFields()).reverse();
      for (const f of fields) stack.push({ value: (value as Record<string, unknown>)[f.name], type: f.type, path: `${path}.${f.name}` });
    } else if (isScalarType(type) && type.name === 'JSON') {
      const message = jsonProblem(value);
      if (message) return { field: path, message };
    } else {
      const message = scalarProblem(value);
      if (message) return { field: path, message };
    }
  }
  return null;
}

function scalarProblem(value: unknown): string | null {
  if (typeof value === 'string') return isWellFormed(value) ? null : NOT_UNICODE;
  if (typeof value === 'number') return Number.isFinite(value) ? null : NOT_FINITE;
  return null;
}

/** Depth, finiteness and well-formed strings (keys included) of one JSON value, without recursion. */
export function jsonProblem(root: unknown): string | null {
  const stack: [value: unknown, depth: number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isWellFormed(value)) return `contains a string that ${NOT_UNICODE}`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'contains a number that is not finite (such as 1e309); JSON has no Infinity or NaN';
    } else if (value !== null && typeof value === 'object') {
      if (depth + 1 > JSON_MAX_DEPTH) return `must not nest objects and arrays more than ${JSON_MAX_DEPTH} levels deep`;
      if (Array.isArray(value)) {
        for (const item of value) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(value)) {
          if (!isWellFormed(key)) return `contains a key that ${NOT_UNICODE}`;
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return null;
}
