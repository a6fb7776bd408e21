#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { RegistryError, createClient, type Client, type DatasetRole, type EventType, type LineageDirection, type Stage, type VersionBump, type VersioningScheme } from './index';
import { renderComparison, renderLineage, table } from './cli-render';

/**
 * Exit statuses (documented in `modelgraph --help`): what a script calling the CLI branches on.
 * Codes the server sends map to the status of their kind; anything unknown is 1.
 */
export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  BAD_INPUT: 4,
  STATE: 5,
  AUTH: 6,
  UNAVAILABLE: 7,
} as const;

const EXIT_BY_CODE: Record<string, number> = {
  NOT_FOUND: EXIT.NOT_FOUND,
  BAD_USER_INPUT: EXIT.BAD_INPUT,
  GRAPHQL_VALIDATION_FAILED: EXIT.BAD_INPUT,
  CONFLICT: EXIT.STATE,
  PRECONDITION_FAILED: EXIT.STATE,
  UNAUTHENTICATED: EXIT.AUTH,
  FORBIDDEN: EXIT.AUTH,
  NETWORK_ERROR: EXIT.UNAVAILABLE,
  HTTP_ERROR: EXIT.UNAVAILABLE,
  BAD_RESPONSE: EXIT.UNAVAILABLE,
  SERVICE_UNAVAILABLE: EXIT.UNAVAILABLE,
};

const EXIT_HELP = `
Environment: MODELGRAPH_URL, MODELGRAPH_TOKEN (the --url and --token defaults).
Exit status: 0 ok, 1 unexpected error, 2 usage, 3 NOT_FOUND, 4 BAD_USER_INPUT, 5 CONFLICT or
PRECONDITION_FAILED, 6 UNAUTHENTICATED or FORBIDDEN, 7 server unreachable or unavailable.
Errors are one line on stderr: error: <CODE>: <message> (field: <input path>)`;

const STAGES: readonly Stage[] = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'];
const ROLES: readonly DatasetRole[] = ['TRAINING', 'VALIDATION', 'TEST', 'EVALUATION', 'OTHER'];

const collect = <T>(parse: (raw: string) => T) => (raw: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(raw)];

function metric(raw: string): [string, number] {
  const at = raw.indexOf('=');
  const value = Number(raw.slice(at + 1));
  if (at <= 0 || raw.slice(at + 1).trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('expected KEY=NUMBER, e.g. auc=0.91');
  return [raw.slice(0, at), value];
}

function datasetUse(raw: string): { datasetVersionId: string; role: DatasetRole } {
  const at = raw.lastIndexOf(':');
  const role = (at > 0 ? raw.slice(at + 1) : 'training').toUpperCase();
  if (!(ROLES as readonly string[]).includes(role)) throw new InvalidArgumentError(`expected ID[:ROLE], ROLE one of ${ROLES.join(', ').toLowerCase()}`);
  return { datasetVersionId: at > 0 ? raw.slice(0, at) : raw, role: role as DatasetRole };
}

function wholeNumber(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError('expected a whole number');
  return Number(raw);
}

function stage(raw: string): Stage {
  const upper = raw.toUpperCase();
  if (!(STAGES as readonly string[]).includes(upper)) throw new InvalidArgumentError(`expected one of ${STAGES.join(', ').toLowerCase()}`);
  return upper as Stage;
}

function split(raw: string): [string, number] {
  const at = raw.lastIndexOf('=');
  if (at <= 0 || !/^\d+$/.test(raw.slice(at + 1))) throw new InvalidArgumentError(`expected VERSION=PERCENT, e.g. 3=90, got ${JSON.stringify(raw)}`);
  return [raw.slice(0, at), Number(raw.slice(at + 1))];
}

interface Globals {
  url: string;
  token?: string;
  json?: boolean;
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const day = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

/** Runs a command's job with the client the global options describe; prints JSON or the human rendering. */
function job<A extends unknown[]>(work: (client: Client, ...args: A) => Promise<{ data: unknown; text: () => string }>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<Globals>();
    const client = createClient({ url: globals.url, token: globals.token || undefined });
    const result = await work(client, ...(args.slice(0, -1) as A));
    out(globals.json ? JSON.stringify(result.data, null, 2) : result.text());
  };
}

export function program(): Command {
  const root = new Command('modelgraph')
    .description('The modelgraph registry from the command line')
    .addOption(new Option('--url <url>', 'the GraphQL endpoint').env('MODELGRAPH_URL').default('http://127.0.0.1:4000/graphql'))
    .addOption(new Option('--token <token>', 'sent as Authorization: Bearer <token>').env('MODELGRAPH_TOKEN'))
    .option('--json', 'print exactly the data, as JSON')
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(modelgraph --help lists the commands and options)')
    .exitOverride();

  root.command('models').description('models, newest first')
    .option('--first <n>', 'how many (≤ 100)', wholeNumber)
    .action(job(async (client, opts: { first?: number }) => {
      const models = await client.models({ first: opts.first });
      return {
        data: models.edges.map((e) => e.node),
        text: () => table(['NAME', 'SCHEME', 'LATEST', 'STAGE', 'UPDATED'], models.edges.map(({ node: m }) => [
          m.name, m.versioningScheme, m.latestVersion?.version ?? '-', m.latestVersion?.stage ?? '-', day(m.updatedAt),
        ])),
      };
    }));

  root.command('versions').description("a model's versions, newest first").argument('<model>', 'model name')
    .option('--first <n>', 'how many (≤ 100)', wholeNumber)
    .option('--stage <stage>', 'only versions in this stage', stage)
    .action(job(async (client, model: string, opts: { first?: number; stage?: Stage }) => {
      const found = await client.versions(model, opts);
      const rows = found.versions.edges.map((e) => e.node);
      return {
        data: rows,
        text: () => table(['VERSION', 'STAGE', 'ID', 'CREATED', 'ARTIFACT'], rows.map((v) => [v.version, v.stage, v.id, day(v.createdAt), v.artifactUri])),
      };
    }));

  root.command('create-model').description('a new model (versions are then added with register)').argument('<name>')
    .addOption(new Option('--scheme <scheme>', 'how its versions are labelled').choices(['integer', 'semver', 'timestamp']).default('integer'))
    .option('--description <text>')
    .action(job(async (client, name: string, opts: { scheme: string; description?: string }) => {
      const m = await client.createModel(name, { versioningScheme: opts.scheme.toUpperCase() as VersioningScheme, description: opts.description });
      return { data: m, text: () => `created ${m.name} (${m.id}, ${m.versioningScheme})` };
    }));

  root.command('register').description('registers a new version of a model').argument('<model>', 'model name')
    .requiredOption('--artifact <uri>', 'where the artifact is stored')
    .option('--digest <digest>', 'the artifact digest, e.g. sha256:<64 hex>')
    .option('--run <id>', 'the run that produced it')
    .option('--dataset <id[:role]>', 'a dataset version it used (role: training by default); repeatable', collect(datasetUse))
    .option('--metric <key=value>', 'a registration metric; repeatable', collect(metric))
    .addOption(new Option('--bump <part>', 'SEMVER models: the part to increase').choices(['major', 'minor', 'patch']).conflicts('version'))
    .option('--version <label>', 'an explicit version label')
    .option('--idempotency-key <key>', 'a retry with the same key returns the first registration')
    .action(job(async (client, model: string, opts: {
      artifact: string; digest?: string; run?: string; dataset?: { datasetVersionId: string; role: DatasetRole }[];
      metric?: [string, number][]; bump?: string; version?: string; idempotencyKey?: string;
    }) => {
      const v = await client.register(model, {
        artifactUri: opts.artifact,
        artifactDigest: opts.digest,
        runId: opts.run,
        datasets: opts.dataset,
        metrics: opts.metric ? Object.fromEntries(opts.metric) : undefined,
        bump: opts.bump?.toUpperCase() as VersionBump | undefined,
        version: opts.version,
        idempotencyKey: opts.idempotencyKey,
      });
      return { data: v, text: () => `registered ${v.model.name} ${v.version} (${v.id})` };
    }));

  root.command('promote').description('moves a version to a stage (none, staging, production, archived)')
    .argument('<model>').argument('<version>').argument('<stage>', 'target stage', stage)
    .action(job(async (client, model: string, version: string, target: Stage) => {
      const v = await client.promote(model, version, target);
      return { data: v, text: () => `${v.model.name} ${v.version} is now ${v.stage}` };
    }));

  root.command('alias').description('points an alias of a model at a version')
    .argument('<model>').argument('<alias>').argument('<version>')
    .action(job(async (client, model: string, alias: string, version: string) => {
      const m = await client.setAlias(model, alias, version);
      return { data: m, text: () => `${m.name}@${alias} → ${m.aliases.find((a) => a.name === alias)?.version.version ?? version}` };
    }));

  root.command('rollback').description('restores the version that held the stage before the current one')
    .argument('<model>')
    .option('--stage <stage>', 'the stage to roll back', stage, 'PRODUCTION' as Stage)
    .action(job(async (client, model: string, opts: { stage: Stage }) => {
      const v = await client.rollback(model, opts.stage);
      return { data: v, text: () => `${v.model.name} ${v.version} is ${v.stage} again` };
    }));

  root.command('deploy').description("a new revision of a deployment's traffic split (percents sum to 100)")
    .argument('<deployment>', 'deployment name')
    .argument('<version=percent...>', "version labels of the deployment's model, e.g. 3=90 4=10", collect(split))
    .option('--expected-revision <n>', 'refuse (PRECONDITION_FAILED) unless the deployment is at this revision', wholeNumber)
    .action(job(async (client, deployment: string, splits: [string, number][], opts: { expectedRevision?: number }) => {
      const d = await client.deploy(deployment, Object.fromEntries(splits), opts);
      return { data: d, text: () => describeDeployment(d) };
    }));

  root.command('rollback-deployment').description("a new revision copying an earlier one's traffic")
    .argument('<deployment>', 'deployment name')
    .option('--to <revision>', 'the revision to copy (default: the previous one)', wholeNumber)
    .action(job(async (client, deployment: string, opts: { to?: number }) => {
      const d = await client.rollbackDeployment(deployment, { toRevision: opts.to });
      return { data: d, text: () => describeDeployment(d) };
    }));

  root.command('lineage').description('what a node came from and what came of it, as an indented tree')
    .argument('<id>', 'any node id (model version, run, dataset version, …)')
    .addOption(new Option('--up', 'upstream only').conflicts('down'))
    .option('--down', 'downstream only')
    .option('--depth <n>', 'hops to follow', wholeNumber, 10)
    .action(job(async (client, id: string, opts: { up?: boolean; down?: boolean; depth: number }) => {
      const direction: LineageDirection = opts.up ? 'UPSTREAM' : opts.down ? 'DOWNSTREAM' : 'BOTH';
      const graph = await client.lineage(id, { direction, maxDepth: opts.depth });
      return { data: graph, text: () => renderLineage(graph, direction) };
    }));

  root.command('compare').description('versions side by side: params, metrics (best marked *), data, signature')
    .argument('<id>', 'the baseline version id').argument('<ids...>', 'versions to compare with it')
    .action(job(async (client, first: string, rest: string[]) => {
      const comparison = await client.compare([first, ...rest]);
      return { data: comparison, text: () => renderComparison(comparison) };
    }));

  root.command('runs').description('runs, newest first')
    .option('--experiment <name>', 'only this experiment')
    .option('--first <n>', 'how many per experiment (≤ 100)', wholeNumber)
    .action(job(async (client, opts: { experiment?: string; first?: number }) => {
      const runs = await client.runs(opts);
      return {
        data: runs,
        text: () => table(['RUN', 'EXPERIMENT', 'STATUS', 'STARTED', 'METRICS'], runs.map((r) => [
          r.name, r.experiment.name, r.status, day(r.startedAt), r.metrics.map((m) => `${m.key}=${m.value}`).join(' '),
        ])),
      };
    }));

  root.command('audit').description('the audit log, newest first: who changed what, when')
    .option('--entity <id>', 'only events about this object')
    .option('--actor <subject>', 'only events by this subject (e.g. token:tok_…, jwt:alice, local)')
    .option('--action <type>', 'only this kind of event (e.g. STAGE_TRANSITIONED)')
    .option('--first <n>', 'how many (≤ 100)', wholeNumber)
    .action(job(async (client, opts: { entity?: string; actor?: string; action?: string; first?: number }) => {
      const events = await client.audit({
        entityId: opts.entity, actor: opts.actor, action: opts.action?.toUpperCase() as EventType | undefined, first: opts.first,
      });
      return {
        data: events.nodes,
        text: () => table(['AT', 'ACTION', 'ACTOR', 'ENTITY', 'SEQ'], events.nodes.map((e) => [
          day(e.at), e.action, e.actor, `${e.entityType} ${e.entityId}`, e.sequence == null ? '-' : String(e.sequence),
        ])),
      };
    }));

  root.command('datasets').description('datasets with their latest version')
    .option('--first <n>', 'how many (≤ 100)', wholeNumber)
    .action(job(async (client, opts: { first?: number }) => {
      const datasets = (await client.datasets({ first: opts.first })).edges.map((e) => e.node);
      return {
        data: datasets,
        text: () => table(['NAME', 'VERSIONS', 'LATEST', 'URI', 'DERIVED FROM'], datasets.map((d) => [
          d.name, String(d.versionCount), d.latestVersion?.version ?? '-', d.latestVersion?.uri ?? '-',
          d.latestVersion?.derivedFrom.map((p) => `${p.dataset.name}@${p.version}`).join(', ') || '-',
        ])),
      };
    }));

  return root;
}

function describeDeployment(d: { name: string; revision: number; status: string; model: { name: string }; traffic: { percent: number; version: { version: string } }[] }): string {
  const split = d.traffic.map((t) => `${d.model.name} ${t.version.version}: ${t.percent}%`).join(', ') || 'no traffic';
  return `${d.name} revision ${d.revision} (${d.status}): ${split}`;
}

/** The exit status and the stderr line for a failure. */
export function failure(error: unknown): { status: number; line?: string } {
  if (error instanceof CommanderError) {
    // commander has printed its message (or the help) already
    const shown = error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version';
    return { status: shown ? EXIT.OK : EXIT.USAGE };
  }
  if (error instanceof RegistryError) {
    const field = error.field ? ` (field: ${error.field})` : '';
    return { status: EXIT_BY_CODE[error.code] ?? EXIT.UNEXPECTED, line: `error: ${error.code}: ${error.message}${field}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: EXIT.UNEXPECTED, line: `error: UNEXPECTED: ${message}` };
}

if (require.main === module) {
  program().parseAsync(process.argv).then(
    () => {
      process.exitCode = EXIT.OK;
    },
    (error: unknown) => {
      const { status, line } = failure(error);
      if (line) process.stderr.write(`${line}\n`);
      process.exitCode = status;
    },
  );
}
