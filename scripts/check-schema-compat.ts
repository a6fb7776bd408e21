/**
 * The breaking-change check of the committed schema: schema/schema.graphql against its version at a base
 * revision (default HEAD~1; CI on a branch passes the merge-base with main), diffed with
 * @graphql-inspector/core. A BREAKING change fails the check unless what it removes or changes was
 * `@deprecated` in the old schema (a field, argument, input field or enum value, or an enclosing field), or
 * is a type every reference to which was deprecated. Exit 0 compatible, 1 breaking, 2 usage or no base.
 *
 *   node dist/scripts/check-schema-compat.js [--base REV] [--old FILE] [--new FILE]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diff, CriticalityLevel, type Change } from '@graphql-inspector/core';
import {
  buildSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputField, type GraphQLSchema,
} from 'graphql';

const SCHEMA_FILE = 'schema/schema.graphql';

export interface CompatReport {
  /** Breaking changes to something that was not deprecated: the check fails on any. */
  breaking: Change[];
  /** Breaking changes allowed because they remove or change what was deprecated. */
  deprecatedRemovals: Change[];
  /** Everything else (safe or dangerous), for the log. */
  other: Change[];
}

/** Federation's directives (@key, @link…) are not defined in the subgraph SDL; they do not matter here. */
export const parseSdl = (sdl: string): GraphQLSchema => buildSchema(sdl, { assumeValidSDL: true });

type Member = GraphQLField<unknown, unknown> | GraphQLInputField | GraphQLArgument;

/** The deprecated element a path names ("Type.field", "Type.field.arg", "Enum.VALUE", "Input.field"), or its deprecated ancestor. */
function deprecatedAt(schema: GraphQLSchema, path: string): boolean {
  const [typeName, member, argument] = path.split('.');
  const type = schema.getType(typeName);
  if (!type || member === undefined || member.startsWith('@')) return false;
  if (isEnumType(type)) return Boolean(type.getValue(member)?.deprecationReason);
  if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) return false;
  const field = type.getFields()[member] as Member | undefined;
  if (!field) return false;
  if (field.deprecationReason) return true;
  if (argument === undefined || argument.startsWith('@') || !('args' in field)) return false;
  return Boolean(field.args.find((a) => a.name === argument)?.deprecationReason);
}

/** Every field, argument and input field that refers to the type is deprecated (or sits on a deprecated field). */
function onlyDeprecatedReferences(schema: GraphQLSchema, typeName: string): boolean {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((t) => t?.name);
  if (roots.includes(typeName)) return false;
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      if (type.getInterfaces().some((i) => i.name === typeName)) return false;
      for (const field of Object.values(type.getFields())) {
        if (field.deprecationReason) continue;
        if (getNamedType(field.type).name === typeName) return false;
        if (field.args.some((a) => !a.deprecationReason && getNamedType(a.type).name === typeName)) return false;
      }
    } else if (isInputObjectType(type)) {
      if (Object.values(type.getFields()).some((f) => !f.deprecationReason && getNamedType(f.type).name === typeName)) return false;
    } else if ('getTypes' in type && type.getTypes().some((member) => member.name === typeName)) {
      return false; // a union member
    }
  }
  return true;
}

function allowedBecauseDeprecated(old: GraphQLSchema, change: Change): boolean {
  if (!change.path) return false;
  if (change.type === 'TYPE_REMOVED') return onlyDeprecatedReferences(old, change.path);
  return deprecatedAt(old, change.path);
}

export async function schemaCompat(oldSdl: string, newSdl: string): Promise<CompatReport> {
  const old = parseSdl(oldSdl);
  const changes = await diff(old, parseSdl(newSdl));
  const report: CompatReport = { breaking: [], deprecatedRemovals: [], other: [] };
  for (const change of changes) {
    if (change.criticality.level !== CriticalityLevel.Breaking) report.other.push(change);
    else if (allowedBecauseDeprecated(old, change)) report.deprecatedRemovals.push(change);
    else report.breaking.push(change);
  }
  return report;
}

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const root = resolve(__dirname, '../..');
  const base = option(argv, '--base') ?? 'HEAD~1';
  const oldFile = option(argv, '--old');
  const newFile = option(argv, '--new') ?? resolve(root, SCHEMA_FILE);
  let oldSdl: string;
  try {
    oldSdl = oldFile
      ? readFileSync(oldFile, 'utf8')
      : execFileSync('git', ['show', `${base}:${SCHEMA_FILE}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    process.stderr.write(`schema-compat: cannot read the old schema (${oldFile ?? `${base}:${SCHEMA_FILE}`}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    return 2;
  }
  const report = await schemaCompat(oldSdl, readFileSync(newFile, 'utf8'));
  const line = (c: Change) => `  ${c.type} ${c.path ?? ''}: ${c.message}`;
  for (const c of report.deprecatedRemovals) process.stdout.write(`allowed (was deprecated):\n${line(c)}\n`);
  for (const c of report.other) process.stdout.write(`${c.criticality.level.toLowerCase()}: ${c.message}\n`);
  if (report.breaking.length) {
    process.stderr.write(`schema-compat: ${report.breaking.length} breaking change(s) against ${oldFile ?? base}; deprecate first, remove later:\n${report.breaking.map(line).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`schema-compat: no breaking change against ${oldFile ?? base} (${report.other.length + report.deprecatedRemovals.length} change(s))\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`schema-compat: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
