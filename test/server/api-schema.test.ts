import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSchema, isNonNullType, type GraphQLObjectType } from 'graphql';
import { buildRegistrySchema, printClientSchema } from '../../src/schema';

/** schema/api.graphql: the client-facing schema, loadable by tools that know nothing of federation. */
const API_FILE = resolve(__dirname, '../../schema/api.graphql');
const RELAY = resolve(__dirname, '../../node_modules/.bin/relay-compiler');

/** Fragments a Relay app would write: forward and backward @connection, @refetchable on Query and on nodes. */
const FRAGMENTS = `import { graphql } from 'react-relay';

export const models = graphql\`
  fragment ModelList_query on Query
  @refetchable(queryName: "ModelListPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    models(first: $count, after: $cursor) @connection(key: "ModelList_models") { edges { node { id name } } }
  }
\`;

export const versions = graphql\`
  fragment ModelHistory_model on Model
  @refetchable(queryName: "ModelHistoryPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" }) {
    versions(last: $count, before: $cursor) @connection(key: "ModelHistory_versions") { edges { node { id version } } }
  }
\`;

export const trainedOn = graphql\`
  fragment TrainedOn_datasetVersion on DatasetVersion
  @refetchable(queryName: "TrainedOnPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" }) {
    usedBy(role: TRAINING, first: $count, after: $cursor) @connection(key: "TrainedOn_usedBy") { edges { node { id version } } }
  }
\`;

export const loss = graphql\`
  fragment LossCurve_run on Run
  @refetchable(queryName: "LossCurvePaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 100 }, cursor: { type: "String" }) {
    name
    metricHistory(key: "loss", first: $count, after: $cursor) @connection(key: "LossCurve_metricHistory") { edges { node { step value } } }
  }
\`;
`;

function runRelay(schemaFile: string): { status: number | null; output: string; artifacts: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'relay-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'fragments.ts'), FRAGMENTS);
    writeFileSync(join(dir, 'relay.config.json'), JSON.stringify({ src: './src', schema: schemaFile, language: 'typescript' }));
    const run = spawnSync(RELAY, [], { cwd: dir, encoding: 'utf8', env: { ...process.env, FORCE_NO_WATCHMAN: '1' }, timeout: 60_000 });
    let artifacts: string[] = [];
    try {
      artifacts = readdirSync(join(dir, 'src', '__generated__')).sort();
    } catch {
      // none written
    }
    return { status: run.status, output: `${run.stdout}${run.stderr}`, artifacts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('schema/api.graphql', () => {
  const committed = readFileSync(API_FILE, 'utf8');

  it('is what the code prints now (run `npm run generate` after a schema change)', async () => {
    expect(committed).toBe(printClientSchema(await buildRegistrySchema()));
  });

  it('builds with graphql-js buildSchema, federation directives and all, and has the Relay PageInfo', () => {
    const schema = buildSchema(committed);
    expect(schema.getDirective('key')).toBeDefined();
    expect(schema.getDirective('shareable')).toBeDefined();
    const pageInfo = schema.getType('PageInfo') as GraphQLObjectType;
    expect(Object.keys(pageInfo.getFields()).sort()).toEqual(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
    const models = schema.getQueryType()!.getFields().models;
    expect(models.args.map((a) => [a.name, a.defaultValue])).toEqual(expect.arrayContaining([
      ['first', undefined], ['after', undefined], ['last', undefined], ['before', undefined],
    ]));
    const run = schema.getType('Run') as GraphQLObjectType;
    expect(isNonNullType(run.getFields().name.type)).toBe(true);
    expect(String(run.getFields().metricHistory.type)).toBe('MetricConnection!');
  });

  it('the Relay compiler accepts @connection (forward and backward) and @refetchable against it', () => {
    const result = runRelay(API_FILE);
    expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
    expect(result.artifacts).toEqual(expect.arrayContaining(['ModelHistoryPaginationQuery.graphql.ts', 'ModelList_query.graphql.ts',
      'TrainedOnPaginationQuery.graphql.ts', 'LossCurvePaginationQuery.graphql.ts']));
  });

  it('the Relay compiler refuses the same fragments when PageInfo lacks hasPreviousPage and startCursor (the old shape)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'old-schema-'));
    try {
      // PageInfo as it was: hasNextPage and endCursor only (the dropped fields' descriptions go with them).
      const old = committed.replace(/type PageInfo[^{]*\{[^}]*\}/, (block) => block
        .replace(/(\n\s*"""[^"]*""")?\n\s*hasPreviousPage: Boolean!/, '')
        .replace(/(\n\s*"""[^"]*""")?\n\s*startCursor: String/, ''));
      expect(Object.keys((buildSchema(old).getType('PageInfo') as GraphQLObjectType).getFields()).sort()).toEqual(['endCursor', 'hasNextPage']);
      expect(old).not.toBe(committed);
      writeFileSync(join(dir, 'old.graphql'), old);
      const result = runRelay(join(dir, 'old.graphql'));
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/pageInfo \{ hasPreviousPage \}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
