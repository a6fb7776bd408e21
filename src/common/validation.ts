import { registerDecorator, validate, type ValidationError, type ValidationOptions } from 'class-validator';
import { getNamedType, type GraphQLResolveInfo } from 'graphql';
import { codePoints, edgeValueProblem } from './edge-values';
import { BadInputError } from './errors';

/** Input limits of the client contract (docs/api.md "Input limits"). */
export const LIMITS = {
  name: 200,
  uri: 2048,
  description: 10_000,
  tagKey: 100,
  tagValue: 1000,
  metricKey: 250,
  jsonBytes: 64 * 1024,
  listItems: 1000,
  /**
   * The ONE exception to `listItems`: recordDeploymentMetrics takes up to 10,000 samples per call (a
   * monitoring job's bulk upload), inserted in batches. Every other list takes at most `listItems`.
   */
  bulkSamples: 10_000,
  version: 128,
  environment: 100,
  framework: 100,
} as const;

/** A broken rule: its message, and where inside the checked value it broke (`[2, 'key']`), if not the value itself. */
export type Problem = string | { at: (string | number)[]; message: string };
/** A rule on one value; `object` is the input object holding it (for rules that compare fields). */
export type Check = (value: unknown, object: object) => Problem | null;

const messageOf = (problem: Problem): string => (typeof problem === 'string' ? problem : problem.message);

/**
 * Where inside a checked value (a list) each message's problem lies, so the error names the offending
 * element (`input.tags.2.key`) rather than the whole list. Keyed by the value itself: nothing outlives it.
 */
const placed = new WeakMap<object, Map<string, (string | number)[]>>();

function remember(value: unknown, problem: Problem): void {
  if (typeof problem === 'string' || typeof value !== 'object' || value === null) return;
  const byMessage = placed.get(value) ?? new Map<string, (string | number)[]>();
  byMessage.set(problem.message, problem.at);
  placed.set(value, byMessage);
}

/** A decorator from a rule. Absent and null values pass: GraphQL has already enforced non-null types. */
export function rule(name: string, check: Check, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown, args) => {
          if (value == null) return true;
          const problem = check(value, args?.object ?? {});
          if (problem !== null) remember(value, problem);
          return problem === null;
        },
        defaultMessage: (args) => {
          const problem = args ? check(args.value, args.object) : null;
          return problem === null ? 'is invalid' : messageOf(problem);
        },
      },
    });
  };
}

const string = (max: number, min = 0) => (v: unknown): string | null => {
  if (typeof v !== 'string') return 'must be a string';
  const length = codePoints(v);
  return length < min ? (min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    : length > max ? `must be at most ${max} characters` : null;
};

export const IsName = () => rule('isName', string(LIMITS.name, 1));
export const IsDescription = () => rule('isDescription', string(LIMITS.description));
export const MaxChars = (max: number, min = 0) => rule('maxChars', string(max, min));

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
/** Any absolute URI (s3://, gs://, file:///, https://, models:/…): a scheme, then no whitespace. */
export const IsUri = () =>
  rule('isUri', (v) => string(LIMITS.uri, 1)(v) ?? (URI.test(v as string) ? null : 'must be an absolute URI such as s3://bucket/path'));

export const IsHttpUrl = () =>
  rule('isHttpUrl', (v) => {
    const bad = string(LIMITS.uri, 1)(v);
    if (bad) return bad;
    try {
      const url = new URL(v as string);
      return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must be an http(s) URL';
    } catch {
      return 'must be an http(s) URL';
    }
  });

const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}|sha1:[0-9a-f]{40}|md5:[0-9a-f]{32})$/;
export const IsDigest = () =>
  rule('isDigest', (v) => (typeof v === 'string' && DIGEST.test(v) ? null : 'must be algorithm:hex, e.g. sha256: followed by 64 lowercase hex digits'));

export const IsGitCommit = () =>
  rule('isGitCommit', (v) => (typeof v === 'string' && /^[0-9a-f]{7,64}$/.test(v) ? null : 'must be a commit hash: 7 to 64 lowercase hex digits'));

const SCP_LIKE = /^[\w.-]+@[\w.-]+:\S+$/;
export const IsGitRepo = () =>
  rule('isGitRepo', (v) => string(LIMITS.uri, 1)(v) ?? (URI.test(v as string) || SCP_LIKE.test(v as string) ? null : 'must be a repository URL such as https://github.com/org/repo'));

/** Safe on any input: edgeValueProblem has already bounded the depth before class-validator runs. */
export const JsonSize = () =>
  rule('jsonSize', (v) => (Buffer.byteLength(JSON.stringify(v) ?? '') <= LIMITS.jsonBytes ? null : `must be at most ${LIMITS.jsonBytes} bytes as JSON`));

export const IsJsonObject = () =>
  rule('isJsonObject', (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? null : 'must be a JSON object'));

export const IntRange = (min: number, max: number) =>
  rule('intRange', (v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? null : `must be an integer from ${min} to ${max}`));

/** An enum argument that admits only some of its values (`must be FINISHED, FAILED or KILLED`). */
export const OneOf = (allowed: readonly string[]) =>
  rule('oneOf', (v) => (allowed.includes(v as string) ? null
    : `must be ${allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}` : allowed[0]}`));

/** A date later than now (an expiry). */
export const InFuture = () =>
  rule('inFuture', (v) => (v instanceof Date && v.getTime() > Date.now() ? null : 'must be in the future'));

/** A field that must not be given together with another one. */
export const NotWith = (other: string, message: string) =>
  rule('notWith', (_v, object) => ((object as Record<string, unknown>)[other] != null ? message : null));

export const MaxItems = (max: number = LIMITS.listItems) =>
  rule('maxItems', (v) => (Array.isArray(v) && v.length > max ? `must have at most ${max} items` : null));

/** recordDeploymentMetrics' samples: at most LIMITS.bulkSamples (10,000), the one list above LIMITS.listItems. */
export const MaxBulkSamples = () => MaxItems(LIMITS.bulkSamples);

export const MinItems = (min: number) =>
  rule('minItems', (v) => (Array.isArray(v) && v.length < min ? (min === 1 ? 'must not be empty' : `must have at least ${min} items`) : null));

/**
 * Items of a list must differ in `field` (or as a whole, without one): tag keys, ids, traffic versions.
 * The error names the repeating item's field (`tags.2.key`) and the index of the item it repeats.
 */
export const UniqueBy = (what: string, field?: string) =>
  rule('uniqueBy', (v) => {
    if (!Array.isArray(v)) return null;
    const seen = new Map<unknown, number>();
    for (let i = 0; i < v.length; i++) {
      const item = v[i] as unknown;
      const k = field && typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[field] : item;
      const earlier = seen.get(k);
      if (earlier !== undefined) return { at: field ? [i, field] : [i], message: `repeats the ${what} ${JSON.stringify(k)} of item ${earlier}` };
      seen.set(k, i);
    }
    return null;
  });

/** A rule for every item of a list of scalars; the error names the item (`input.protectedAliases.1`). */
export const EachItem = (name: string, check: Check) =>
  rule(name, (v, object) => {
    if (!Array.isArray(v)) return null;
    for (let i = 0; i < v.length; i++) {
      const problem = v[i] == null ? null : check(v[i], object);
      if (problem !== null) return typeof problem === 'string' ? { at: [i], message: problem } : { at: [i, ...problem.at], message: problem.message };
    }
    return null;
  });

/** A rule across fields of one input object or argument set: the field it names, and its message. */
export type ObjectCheck<T> = (object: T) => { field: string; message: string } | null;

const objectRules = new WeakMap<object, ObjectCheck<never>[]>();

/**
 * A class decorator for rules that no single field can state, because they are about which of several
 * nullable fields are given (absent fields skip their field rules).
 */
export function ObjectRule<T>(check: ObjectCheck<T>): ClassDecorator {
  return (target) => {
    objectRules.set(target, [...(objectRules.get(target) ?? []), check as ObjectCheck<never>]);
  };
}

/** Exactly one of two fields: neither names the first (missing), both name the second (superfluous). */
export const ExactlyOne = <T>(a: keyof T & string, b: keyof T & string) =>
  ObjectRule<T>((o) => ((o[a] == null) === (o[b] == null) ? { field: o[a] == null ? a : b, message: `give exactly one of ${a} or ${b}` } : null));

function objectProblem(item: object): { path: string[]; message: string } | null {
  for (let type = item.constructor; type && type !== Object; type = Object.getPrototypeOf(type) as typeof type) {
    for (const check of objectRules.get(type) ?? []) {
      const problem = (check as ObjectCheck<object>)(item);
      if (problem) return { path: [problem.field], message: problem.message };
    }
  }
  return null;
}

function firstError(errors: ValidationError[], path: string[]): { path: string[]; message: string } | null {
  for (const error of errors) {
    const here = [...path, error.property];
    if (error.constraints) {
      const message = Object.values(error.constraints)[0];
      const value: unknown = error.value;
      const inside = typeof value === 'object' && value !== null ? placed.get(value)?.get(message) ?? [] : [];
      return { path: [...here, ...inside.map(String)], message };
    }
    const nested = firstError(error.children ?? [], here);
    if (nested) return nested;
  }
  return null;
}

/**
 * Absent and null fields skip their rules (GraphQL has enforced the non-null ones), so a nullable list or
 * input object may be null, as its type says.
 */
const OPTIONS = { forbidUnknownValues: false, skipMissingProperties: true } as const;

/** The argument objects of one field call already checked for edge values (validateFn runs once per parameter). */
const checkedArgs = new WeakSet<object>();

/**
 * Argument values are a function of the field's selection and the operation's variables, so a field
 * resolved for many parents (`upstream(first:)` on 500 lineage nodes) is validated once per argument class.
 */
const passed = new WeakMap<object, WeakMap<object, Set<unknown>>>();

function passedBefore(info: GraphQLResolveInfo): Set<unknown> {
  const byVariables = passed.get(info.fieldNodes[0]) ?? new WeakMap<object, Set<unknown>>();
  passed.set(info.fieldNodes[0], byVariables);
  const types = byVariables.get(info.variableValues) ?? new Set<unknown>();
  byVariables.set(info.variableValues, types);
  return types;
}

/**
 * type-graphql's validateFn: edge values first (every argument of the field, once per call), then
 * class-validator on every input object; the first failure → BAD_USER_INPUT naming the path.
 */
export async function validateArgument(value: unknown, argType: unknown, data: { info: GraphQLResolveInfo; args: Record<string, unknown> }): Promise<void> {
  const { info, args } = data;
  if (!checkedArgs.has(args)) {
    checkedArgs.add(args);
    const problem = edgeValueProblem(args, info);
    if (problem) throw new BadInputError(problem.field, problem.message);
  }
  if (value == null || typeof value !== 'object') return;
  const done = passedBefore(info);
  if (done.has(argType)) return;
  const items = Array.isArray(value) ? value : [value];
  const argName = argumentName(argType, info);
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (item == null || typeof item !== 'object') continue;
    const error = firstError(await validate(item, OPTIONS), []) ?? objectProblem(item);
    if (error) {
      const base = [...(argName ? [argName] : []), ...(Array.isArray(value) ? [String(i)] : [])];
      throw new BadInputError([...base, ...error.path].join('.'), error.message);
    }
  }
  done.add(argType);
}

/** The argument holding an input type; null for an @ArgsType class (its fields are the arguments). */
function argumentName(argType: unknown, info: GraphQLResolveInfo): string | null {
  const typeName = typeof argType === 'function' ? argType.name : '';
  const field = info.parentType.getFields()[info.fieldName];
  return field?.args.find((a) => getNamedType(a.type).name === typeName)?.name ?? null;
}
