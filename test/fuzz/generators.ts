import fc from 'fast-check';
import {
  getNamedType, getNullableType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType,
  type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLOutputType, type GraphQLSchema,
} from 'graphql';

/**
 * Arbitraries for documents and variables derived from a schema: every root field with arguments of
 * boundary values (numbers at and beyond their ranges, non-finite floats, odd Unicode, lone surrogates,
 * long strings, deep and odd JSON, random enum values and ids), passed as variables or written inline.
 */

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

const deep = (levels: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = i % 3 === 2 ? [v] : { k: v };
  return v;
};

const oddString = fc.oneof(
  fc.constantFrom('', ' ', 'a', 'x'.repeat(200), 'x'.repeat(201), 'é'.repeat(201), '😀'.repeat(200), '😀'.repeat(201), 'x'.repeat(10_001),
    '\ud800', 'a\udc00b', '\ude00\ud83d', '\u0000', 'NaN', 'Infinity', '-0', '1e309', "' OR '1'='1", '%', '_', '\\', 'null',
    'sha256:' + 'a'.repeat(64), 's3://bucket/key', 'https://example.com/x', 'git@github.com:a/b.git', 'abcdef1', '2026-01-01T00:00:00Z'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

const int = fc.oneof(fc.constantFrom(0, -1, 1, 2, 20, 100, 101, 1000, 1001, 2 ** 31 - 1, -(2 ** 31)), fc.integer({ min: -5, max: 2000 }));
const float = fc.oneof(fc.constantFrom(0, -0, 1.5, -1, 1e308, -1e308, 5e-324, Number.MAX_VALUE, Infinity, -Infinity, NaN), fc.double());
const dateTime = fc.constantFrom('2026-11-27T12:05:01.123Z', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z',
  '2026-02-30T00:00:00Z', 'yesterday', '', '2026-01-01T00:00:00+14:00', '0001-01-01T00:00:00Z');

const jsonLeaf = fc.oneof(fc.constantFrom(null, true, 0, -1, 1e308, Infinity, NaN, '\ud800', '', 'x'.repeat(70_000)), fc.double(), fc.string({ unit: 'binary', maxLength: 10 }));
const json: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom('lr', 'k', '', '\udbff', '__proto__', 'constructor'), fc.string({ maxLength: 6 })), jsonLeaf, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.array(jsonLeaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: jsonLeaf },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(19, 20, 21, 31, 32, 33, 1000, 100_000), jsonLeaf).map(([levels, leaf]) => ({ deep: deep(levels, leaf) })) },
);

export interface Arg { value: unknown; literal: string | null }

/** A GraphQL input literal for a value, or null when only a variable can carry it (NaN, non-name keys). */
function toLiteral(value: unknown, type: GraphQLInputType, depth = 0): string | null {
  if (value === null || value === undefined) return 'null';
  if (depth > 100) return null;
  const named = getNamedType(type);
  if (typeof value === 'number') return Number.isNaN(value) ? null : value === Infinity ? '1e309' : value === -Infinity ? '-1e309' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return isEnumType(named) && NAME.test(value) ? value : JSON.stringify(value);
  const nullable = getNullableType(type);
  if (Array.isArray(value)) {
    const inner = isListType(nullable) ? nullable.ofType : type;
    const items = value.map((v) => toLiteral(v, inner, depth + 1));
    return items.includes(null) ? null : `[${items.join(', ')}]`;
  }
  const fields = isInputObjectType(named) ? named.getFields() : null;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as object)) {
    if (!NAME.test(k)) return null;
    const literal = toLiteral(v, fields?.[k]?.type ?? type, depth + 1);
    if (literal === null) return null;
    parts.push(`${k}: ${literal}`);
  }
  return `{ ${parts.join(', ')} }`;
}

/** Values for an input type, as JS values (variables) that can usually be printed inline too. */
export function valueOf(type: GraphQLInputType, ids: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 60, arbitrary: valueOf(type.ofType, ids, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  const nullable = fc.constant(null);
  if (isListType(type)) {
    const items = fc.array(valueOf(type.ofType, ids, depth + 1), { maxLength: depth > 1 ? 1 : 3 });
    return fc.oneof({ weight: 30, arbitrary: items }, { weight: 2, arbitrary: nullable },
      { weight: 1, arbitrary: valueOf(type.ofType, ids, depth + 1).map((v) => Array.from({ length: 1001 }, () => v)) });
  }
  const named = type as GraphQLNamedType;
  if (isEnumType(named)) return fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...named.getValues().map((v) => v.name)) }, { weight: 1, arbitrary: fc.constantFrom('NOPE', '') });
  if (isInputObjectType(named)) {
    if (depth > 3) return nullable;
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of Object.values(named.getFields())) shape[f.name] = valueOf(f.type, ids, depth + 1);
    const required = Object.values(named.getFields()).filter((f) => isNonNullType(f.type)).map((f) => f.name);
    return fc.record(shape, { requiredKeys: required });
  }
  switch (named.name) {
    case 'Int': return fc.oneof({ weight: 40, arbitrary: int }, { weight: 1, arbitrary: oddString });
    case 'Float': return fc.oneof({ weight: 40, arbitrary: float }, { weight: 1, arbitrary: oddString });
    case 'Boolean': return fc.boolean();
    case 'ID': return fc.oneof({ weight: 4, arbitrary: ids }, { weight: 1, arbitrary: oddString });
    case 'DateTime': return dateTime;
    case 'JSON': return json;
    case '_Any': return fc.record({ __typename: fc.constantFrom('Model', 'ModelVersion', 'Run', 'Tag', 'Query', 'Nope', ''), id: fc.oneof(ids, int) });
    default: return oddString;
  }
}

export function argOf(type: GraphQLInputType, ids: fc.Arbitrary<string>): fc.Arbitrary<Arg> {
  return fc.tuple(valueOf(type, ids), fc.boolean()).map(([value, inline]) => ({ value, literal: inline ? toLiteral(value, type) : null }));
}

/** A small selection of a return type: __typename, leaf fields without required arguments, one level of objects. */
export function selectionOf(type: GraphQLOutputType, schema: GraphQLSchema, depth = 0): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  const plain = (f: GraphQLField<unknown, unknown>) => f.args.every((a) => !isNonNullType(a.type));
  const parts = ['__typename'];
  if (!isObjectType(named)) {
    // Members of a union or interface: only fields that agree in type across them (id is ID! on every node).
    const members = schema.getPossibleTypes(named as never).filter((o) => o.getFields().id);
    return [...parts, ...members.map((o) => `... on ${o.name} { id }`)].join(' ');
  }
  for (const object of [named]) {
    const fields = Object.values(object.getFields()).filter(plain);
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type))).map((f) => f.name);
    const nested = depth < 1 ? fields.filter((f) => !isLeafType(getNamedType(f.type))).slice(0, 3)
      .map((f) => `${f.name} { ${selectionOf(f.type, schema, depth + 1)} }`) : [];
    if (leaves.length + nested.length > 0) parts.push(`... on ${object.name} { ${[...leaves, ...nested].join(' ')} }`);
  }
  return parts.join(' ');
}
