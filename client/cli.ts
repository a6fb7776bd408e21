#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  CreateModelVersionDocument,
  ModelDocument,
  ModelsDocument,
  ModelVersionDocument,
  RegisterModelDocument,
  createRegistryClient,
  RegistryError,
  type ModelVersionDetailFragment,
  type RegistryClient,
  type Stage,
  type TagInput,
  type VersionBump,
  type VersioningScheme,
} from './index';

const USAGE = `usage: modelgraph <command> [options]

commands:
  models [--name-contains S] [--tag KEY=VALUE] [--first N] [--after CURSOR | --last N] [--before CURSOR]
  model <name> [--stage STAGE] [--first N] [--after CURSOR | --last N] [--before CURSOR]
  version <model> <version>
  register-model <name> [--scheme INTEGER|SEMVER|TIMESTAMP] [--description D] [--tag KEY=VALUE]...
  create-version <model> --artifact-uri URI [--digest ALG:HEX] [--bump MAJOR|MINOR|PATCH | --version LABEL]
                 [--framework F] [--run-id ID] [--parent-id ID] [--description D] [--tag KEY=VALUE]...
                 [--metric KEY=NUMBER]...

every command takes --json (print the raw result) and --help.
environment: MODELGRAPH_URL (default http://127.0.0.1:4000/graphql), MODELGRAPH_TOKEN (bearer token)
exit status: 0 ok, 1 the registry refused or failed (the error code is printed), 2 bad usage`;

const SCHEMES = ['INTEGER', 'SEMVER', 'TIMESTAMP'] as const satisfies readonly VersioningScheme[];
const BUMPS = ['MAJOR', 'MINOR', 'PATCH'] as const satisfies readonly VersionBump[];
const STAGES = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'] as const satisfies readonly Stage[];

class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
const common = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies Options;
const paging = {
  first: { type: 'string' }, after: { type: 'string' }, last: { type: 'string' }, before: { type: 'string' },
} as const satisfies Options;

/** The page variables from --first/--after/--last/--before (the server's default page without any). */
function pageVariables(values: { first?: string; after?: string; last?: string; before?: string }) {
  return { first: intOption('first', values.first), after: values.after, last: intOption('last', values.last), before: values.before };
}

/** "3 of 40; next page: --after C; previous page: --before C" */
function pageSummary(page: { edges: unknown[]; totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null } }): string {
  const { pageInfo } = page;
  return [
    `${page.edges.length} of ${page.totalCount}`,
    ...(pageInfo.hasNextPage ? [`next page: --after ${pageInfo.endCursor}`] : []),
    ...(pageInfo.hasPreviousPage ? [`previous page: --last ${page.edges.length || 20} --before ${pageInfo.startCursor}`] : []),
  ].join('; ');
}
const tags = { tag: { type: 'string', multiple: true } } as const satisfies Options;

function parse<O extends Options>(argv: string[], options: O, positionals: string[]) {
  const parsed = parseArgs({ args: argv, options: { ...common, ...options }, allowPositionals: true, strict: true });
  if ((parsed.values as { help?: boolean }).help) throw new UsageError('');
  if (parsed.positionals.length !== positionals.length) {
    const expected = positionals.map((p) => `<${p}>`).join(' ');
    throw new UsageError(expected ? `expected ${expected}` : 'unexpected arguments');
  }
  return parsed;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

function pairs(name: string, values: string[] | undefined): [string, string][] {
  return (values ?? []).map((v) => {
    const at = v.indexOf('=');
    if (at <= 0) throw new UsageError(`--${name} takes KEY=VALUE, got ${JSON.stringify(v)}`);
    return [v.slice(0, at), v.slice(at + 1)];
  });
}

const tagInputs = (values: string[] | undefined): TagInput[] => pairs('tag', values).map(([key, value]) => ({ key, value }));

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const json = (value: unknown) => out(JSON.stringify(value, null, 2));
const day = (iso: string) => iso.replace('T', ' ').slice(0, 19);

function describeVersion(v: ModelVersionDetailFragment): string {
  const lines = [
    `${v.model.name} ${v.version}  (#${v.sequence}, ${v.stage})`,
    `  id        ${v.id}`,
    `  artifact  ${v.artifactUri}${v.artifactDigest ? `  ${v.artifactDigest}` : ''}`,
    `  created   ${day(v.createdAt)} by ${v.createdBy}`,
  ];
  if (v.framework) lines.push(`  framework ${v.framework}`);
  if (v.parent) lines.push(`  parent    ${v.parent.version} (${v.parent.id})`);
  if (v.run) lines.push(`  run       ${v.run.name} in ${v.run.experiment.name} (${v.run.status})`);
  if (v.gitCommit) lines.push(`  git       ${v.gitRepo ?? ''}@${v.gitCommit}`);
  for (const d of v.datasets) {
    lines.push(`  data      ${d.role.toLowerCase()}: ${d.datasetVersion.dataset.name} ${d.datasetVersion.version} ${d.datasetVersion.uri}`);
  }
  for (const m of v.metrics) lines.push(`  metric    ${m.key} = ${m.value}${m.step == null ? '' : ` (step ${m.step})`}`);
  for (const t of v.tags) lines.push(`  tag       ${t.key}=${t.value}`);
  return lines.join('\n');
}

type Command = (client: RegistryClient, argv: string[]) => Promise<void>;

const commands: Record<string, Command> = {
  async models(client, argv) {
    const { values } = parse(argv, { ...paging, 'name-contains': { type: 'string' }, tag: { type: 'string' } }, []);
    const [tag] = tagInputs(values.tag === undefined ? undefined : [values.tag]);
    const filter = values['name-contains'] !== undefined || tag ? { nameContains: values['name-contains'], tag } : undefined;
    const { models } = await client.request(ModelsDocument, { ...pageVariables(values), filter });
    if (values.json) return json(models);
    out(table(['NAME', 'SCHEME', 'LATEST', 'STAGE', 'UPDATED'], models.edges.map(({ node: m }) => [
      m.name, m.versioningScheme, m.latestVersion?.version ?? '-', m.latestVersion?.stage ?? '-', day(m.updatedAt),
    ])));
    out(pageSummary(models));
  },

  async model(client, argv) {
    const { values, positionals } = parse(argv, { ...paging, stage: { type: 'string' } }, ['name']);
    const stage = oneOf('stage', values.stage, STAGES);
    const { model } = await client.request(ModelDocument, {
      name: positionals[0], ...pageVariables(values), filter: stage ? { stage } : undefined,
    });
    if (!model) throw new RegistryError(`model ${JSON.stringify(positionals[0])} not found`, 'NOT_FOUND');
    if (values.json) return json(model);
    out(`${model.name}  (${model.id}, ${model.versioningScheme})${model.description ? `\n  ${model.description}` : ''}`);
    if (model.tags.length) out(`  tags: ${model.tags.map((t) => `${t.key}=${t.value}`).join(' ')}`);
    const { versions } = model;
    out(table(['VERSION', 'STAGE', 'CREATED', 'BY', 'ARTIFACT'], versions.edges.map(({ node: v }) => [
      v.version, v.stage, day(v.createdAt), v.createdBy, v.artifactUri,
    ])));
    out(pageSummary(versions));
  },

  async version(client, argv) {
    const { values, positionals } = parse(argv, {}, ['model', 'version']);
    const [model, version] = positionals;
    const { modelVersion } = await client.request(ModelVersionDocument, { model, version });
    if (!modelVersion) throw new RegistryError(`version ${version} of model ${JSON.stringify(model)} not found`, 'NOT_FOUND');
    if (values.json) return json(modelVersion);
    out(describeVersion(modelVersion));
  },

  async 'register-model'(client, argv) {
    const { values, positionals } = parse(argv, { ...tags, scheme: { type: 'string' }, description: { type: 'string' } }, ['name']);
    const { registerModel } = await client.request(RegisterModelDocument, {
      input: {
        name: positionals[0],
        versioningScheme: oneOf('scheme', values.scheme, SCHEMES),
        description: values.description,
        tags: values.tag ? tagInputs(values.tag) : undefined,
      },
    });
    if (values.json) return json(registerModel);
    out(`registered ${registerModel.name} (${registerModel.id}, ${registerModel.versioningScheme})`);
  },

  async 'create-version'(client, argv) {
    const { values, positionals } = parse(argv, {
      ...tags,
      'artifact-uri': { type: 'string' }, digest: { type: 'string' }, bump: { type: 'string' }, version: { type: 'string' },
      framework: { type: 'string' }, 'run-id': { type: 'string' }, 'parent-id': { type: 'string' },
      description: { type: 'string' }, metric: { type: 'string', multiple: true },
    }, ['model']);
    const artifactUri = values['artifact-uri'];
    if (!artifactUri) throw new UsageError('--artifact-uri is required');
    if (values.bump !== undefined && values.version !== undefined) throw new UsageError('give --bump or --version, not both');
    const metrics = pairs('metric', values.metric).map(([key, raw]) => {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--metric ${key} needs a number, got ${JSON.stringify(raw)}`);
      return { key, value };
    });
    const { createModelVersion: v } = await client.request(CreateModelVersionDocument, {
      input: {
        modelName: positionals[0],
        artifactUri,
        artifactDigest: values.digest,
        bump: oneOf('bump', values.bump, BUMPS),
        version: values.version,
        framework: values.framework,
        runId: values['run-id'],
        parentVersionId: values['parent-id'],
        description: values.description,
        metrics: metrics.length ? metrics : undefined,
        tags: values.tag ? tagInputs(values.tag) : undefined,
      },
    });
    if (values.json) return json(v);
    out(`created ${v.model.name} ${v.version} (${v.id})`);
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`modelgraph: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  const client = createRegistryClient({
    url: process.env.MODELGRAPH_URL || 'http://127.0.0.1:4000/graphql',
    token: process.env.MODELGRAPH_TOKEN || undefined,
  });
  try {
    await command(client, rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      if (!error.message) {
        out(USAGE);
        return 0;
      }
      process.stderr.write(`modelgraph ${name}: ${error.message}\n(modelgraph --help lists the commands and options)\n`);
      return 2;
    }
    if (error instanceof RegistryError) {
      const field = error.field && !error.message.startsWith(error.field) ? ` (${error.field})` : '';
      process.stderr.write(`modelgraph ${name}: ${error.code}${field}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): error is Error {
  const code: unknown = error instanceof TypeError ? (error as TypeError & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`modelgraph: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
