/**
 * `npm run bench:validation`: how long graphql-js validation (with the server's own limit rules) takes on
 * the most expensive documents the limits still let through.
 *
 * For each document shape (repeated fields, repeated fields with sub-selections or arguments, fragments
 * spread many times, many fragments, fragment chains and bombs, deep nesting, many variables), finds by
 * bisection the largest repeat count whose document parses within MAX_DOCUMENT_TOKENS and validates
 * without errors, then times `validate()` on it (warm-ups, then timed runs: median and max). Also times
 * the rejection of a much larger document of the same shape (the pre-check's own cost). No database.
 *
 * Exits 1 if any accepted document's median exceeds the target (50 ms by default).
 *
 * Environment (optional): BENCH_VALIDATION_RUNS (default 15), BENCH_VALIDATION_TARGET_MS (default 50).
 */
import 'reflect-metadata';
import { getIntrospectionQuery, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { defaultQueryLimits } from '../src/config';
import { documentParseOptions, limitValidationRules } from '../src/query-limits';
import { buildRegistrySchema } from '../src/schema';
import { intFromEnv } from './common';

const RUNS = intFromEnv('BENCH_VALIDATION_RUNS', 15, 1, 1000);
const TARGET_MS = intFromEnv('BENCH_VALIDATION_TARGET_MS', 50, 1, 10_000);

const times = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join(' ');

/** Shapes as functions of a repeat count n. */
const SHAPES: Record<string, (n: number) => string> = {
  'repeated leaf field': (n) => `{ models { ${times(n, () => 'totalCount')} } }`,
  'repeated field with a sub-selection': (n) => `{ models { ${times(n, () => 'nodes { id }')} } }`,
  'repeated field with arguments': (n) => `{ models { nodes { ${times(n, () => 'versions(first: 1) { totalCount }')} } } }`,
  'repeated wide sub-selection': (n) => `{ models { ${times(n, () => 'nodes { id name description createdAt updatedAt tags { key value } }')} } }`,
  'repeated root field': (n) => `{ ${times(n, () => 'models(first: 1) { nodes { id name } }')} }`,
  'one fragment spread n times': (n) => `{ models { ${times(n, () => '...F')} } } fragment F on ModelConnection { totalCount nodes { id } }`,
  'one 40-field fragment spread n times': (n) => `{ models { nodes { ${times(n, () => '...F')} } } } fragment F on Model { ${times(40, (i) => `a${i}: id`)} }`,
  'n fragments spread at one place': (n) => `{ models { ${times(n, (i) => `...F${i}`)} } } ${times(n, (i) => `fragment F${i} on ModelConnection { totalCount nodes { id name } }`)}`,
  'n inline fragments': (n) => `{ models { ${times(n, () => '... on ModelConnection { nodes { id } }')} } }`,
  'fragment chain of n': (n) => `{ models { ...F0 } } ${times(n, (i) => `fragment F${i} on ModelConnection { totalCount nodes { id } ...F${i + 1} }`)} fragment F${n} on ModelConnection { totalCount }`,
  'fragment bomb of n levels': (n) => `query($id: ID!) { modelVersion(id: $id) { ...B${n} } } fragment B0 on ModelVersion { id } ${times(n, (i) => `fragment B${i + 1} on ModelVersion { parent { ...B${i} } children { ...B${i} } }`)}`,
  'repeated nesting 18 deep': (n) => `query($id: ID!) { ${times(n, () => `modelVersion(id: $id) { ${'parent { '.repeat(17)}id${' }'.repeat(17)} }`)} }`,
  'n variables': (n) => `query(${times(n, (i) => `$v${i}: ID!`)}) { nodes(ids: [${times(n, (i) => `$v${i}`)}]) { id } }`,
  'n list items in an argument': (n) => `{ nodes(ids: [${times(n, (i) => `"mdl_${i}"`)}]) { id } }`,
};

type Outcome = { accepted: boolean; message?: string; ms: number[] };

function run(schema: GraphQLSchema, document: DocumentNode): Outcome {
  const rules = [...specifiedRules, ...limitValidationRules(defaultQueryLimits())];
  const ms: number[] = [];
  let errors: readonly { message: string }[] = [];
  for (let i = 0; i < 3 + RUNS; i++) {
    const start = process.hrtime.bigint();
    errors = validate(schema, document, rules);
    if (i >= 3) ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { accepted: errors.length === 0, message: errors[0]?.message, ms: ms.sort((a, b) => a - b) };
}

/** The document as the server would parse it, or null when the size or token limit refuses it. */
function parsed(source: string): DocumentNode | null {
  if (Buffer.byteLength(source) > defaultQueryLimits().MAX_DOCUMENT_BYTES) return null;
  try {
    return parse(source, documentParseOptions(defaultQueryLimits()));
  } catch {
    return null;
  }
}

/** The largest n whose document parses and validates cleanly (validation checked once per probe). */
function largestAccepted(schema: GraphQLSchema, shape: (n: number) => string): number {
  const rules = [...specifiedRules, ...limitValidationRules(defaultQueryLimits())];
  const ok = (n: number): boolean => {
    const document = parsed(shape(n));
    return document !== null && validate(schema, document, rules).length === 0;
  };
  if (!ok(1)) return 0;
  let lo = 1;
  let hi = 2;
  while (hi <= 100_000 && ok(hi)) [lo, hi] = [hi, hi * 2];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

const median = (ms: number[]): number => ms[Math.floor(ms.length / 2)];
const fmt = (x: number): string => x.toFixed(2).padStart(8);

async function main(): Promise<void> {
  const schema = await buildRegistrySchema();
  const tokens = defaultQueryLimits().MAX_DOCUMENT_TOKENS;
  console.log(`validation cost, ${RUNS} timed runs each; MAX_DOCUMENT_TOKENS=${tokens}; target ${TARGET_MS} ms for accepted documents\n`);
  console.log(`${'shape'.padEnd(38)} ${'n'.padStart(6)} ${'bytes'.padStart(7)}  median ms   max ms  | 4n: median ms, why rejected`);
  let worst = 0;
  const cases: [string, (n: number) => string][] = [...Object.entries(SHAPES)];
  for (const [name, shape] of cases) {
    const n = largestAccepted(schema, shape);
    const source = shape(n);
    const accepted = run(schema, parse(source));
    worst = Math.max(worst, median(accepted.ms));
    const big = shape(4 * n);
    const bigDocument = parsed(big);
    const rejected = bigDocument ? run(schema, bigDocument) : null;
    const why = rejected ? `${fmt(median(rejected.ms))}  ${rejected.accepted ? 'ACCEPTED' : (rejected.message ?? '').slice(0, 50)}` : '    (over the byte or token limit: refused before validation)';
    console.log(`${name.padEnd(38)} ${String(n).padStart(6)} ${String(Buffer.byteLength(source)).padStart(7)} ${fmt(median(accepted.ms))} ${fmt(accepted.ms.at(-1)!)}  | ${why}`);
  }
  const introspection = run(schema, parse(getIntrospectionQuery()));
  console.log(`${'introspection query (control)'.padEnd(38)} ${''.padStart(6)} ${String(getIntrospectionQuery().length).padStart(7)} ${fmt(median(introspection.ms))} ${fmt(introspection.ms.at(-1)!)}  | accepted: ${introspection.accepted}`);
  console.log(`\nworst median of an accepted document: ${worst.toFixed(2)} ms (target ${TARGET_MS} ms)`);
  if (worst > TARGET_MS) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
