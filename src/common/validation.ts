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
  version: 128,
  environment: 100,
  framework: 100,
} as const;

type Check = (value: unknown) => string | null;

function custom(name: string, check: Check, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => value == null || check(value) === null,
        defaultMessage: (args) => check(args?.value) ?? 'is invalid',
      },
    });
  };
}

const string = (max: number, min = 0): Check => (v) => {
  if (typeof v !== 'string') return 'must be a string';
  const length = codePoints(v);
  return length < min ? (min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    : length > max ? `must be at most ${max} characters` : null;
};

export const IsName = () => custom('isName', string(LIMITS.name, 1));
export const IsDescription = () => custom('isDescription', string(LIMITS.description));
export const MaxChars = (max: number, min = 0) => custom('maxChars', string(max, min));

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
/** Any absolute URI (s3://, gs://, file:///, https://, models:/…): a scheme, then no whitespace. */
export const IsUri = () =>
  custom('isUri', (v) => string(LIMITS.uri, 1)(v) ?? (URI.test(v as string) ? null : 'must be an absolute URI such as s3://bucket/path'));

export const IsHttpUrl = () =>
  custom('isHttpUrl', (v) => {
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
  custom('isDigest', (v) => (typeof v === 'string' && DIGEST.test(v) ? null : 'must be algorithm:hex, e.g. sha256: followed by 64 lowercase hex digits'));

export const IsGitCommit = () =>
  custom('isGitCommit', (v) => (typeof v === 'string' && /^[0-9a-f]{7,64}$/.test(v) ? null : 'must be a commit hash: 7 to 64 lowercase hex digits'));

const SCP_LIKE = /^[\w.-]+@[\w.-]+:\S+$/;
export const IsGitRepo = () =>
  custom('isGitRepo', (v) => string(LIMITS.uri, 1)(v) ?? (URI.test(v as string) || SCP_LIKE.test(v as string) ? null : 'must be a repository URL such as https://github.com/org/repo'));

/** Safe on any input: edgeValueProblem has already bounded the depth before class-validator runs. */
export const JsonSize = () =>
  custom('jsonSize', (v) => (Buffer.byteLength(JSON.stringify(v) ?? '') <= LIMITS.jsonBytes ? null : `must be at most ${LIMITS.jsonBytes} bytes as JSON`));

export const IsJsonObject = () =>
  custom('isJsonObject', (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? null : 'must be a JSON object'));

export const IntRange = (min: number, max: number) =>
  custom('intRange', (v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? null : `must be an integer from ${min} to ${max}`));

export const MaxItems = (max: number = LIMITS.listItems) =>
  custom('maxItems', (v) => (Array.isArray(v) && v.length > max ? `must have at most ${max} items` : null));

/** A list of objects whose `key` must be unique (tags, metrics of one step…). */
export const UniqueBy = <T>(keyOf: (item: T) => unknown, what: string) =>
  custom('uniqueBy', (v) => {
    if (!Array.isArray(v)) return null;
    const seen = new Set<unknown>();
    for (const item of v as T[]) {
      const k = keyOf(item);
      if (seen.has(k)) return `has a duplicate ${what} ${JSON.stringify(k)}`;
      seen.add(k);
    }
    return null;
  });

function firstError(errors: ValidationError[], path: string[]): { path: string[]; message: string } | null {
  for (const error of errors) {
    const here = [...path, error.property];
    if (error.constraints) return { path: here, message: Object.values(error.constraints)[0] };
    const nested = firstError(error.children ?? [], here);
    if (nested) return nested;
  }
  return null;
}

/** The argument objects of one field call already checked for edge values (validateFn runs once per parameter). */
const checkedArgs = new WeakSet<object>();

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
  const items = Array.isArray(value) ? value : [value];
  const argName = argumentName(argType, info);
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (item == null || typeof item !== 'object') continue;
    const error = firstError(await validate(item, { forbidUnknownValues: false }), []);
    if (error) {
      const base = [...(argName ? [argName] : []), ...(Array.isArray(value) ? [String(i)] : [])];
      throw new BadInputError([...base, ...error.path].join('.'), error.message);
    }
  }
}

/** The argument holding an input type; null for an @ArgsType class (its fields are the arguments). */
function argumentName(argType: unknown, info: GraphQLResolveInfo): string | null {
  const typeName = typeof argType === 'function' ? argType.name : '';
  const field = info.parentType.getFields()[info.fieldName];
  return field?.args.find((a) => getNamedType(a.type).name === typeName)?.name ?? null;
}
