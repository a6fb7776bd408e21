import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { TestApp } from '../support/app';

/** The README's GraphQL examples, run in order as a reader would paste them. */
const blocks = [...readFileSync(resolve(__dirname, '../../README.md'), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);

/** Which variable each mutation's returned id feeds (what a reader copies into Sandbox's Variables panel). */
const ID_VARIABLE: Record<string, string> = {
  createExperiment: 'experimentId',
  createDatasetVersion: 'datasetVersionId',
  startRun: 'runId',
  registerModel: 'modelId',
  createModelVersion: 'versionId',
  createDeployment: 'deploymentId',
};

describe('README examples', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it('work as pasted, in order', async () => {
    const known: Record<string, unknown> = {};
    for (const block of blocks) {
      const operation = parse(block).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
      const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, known[v.variable.name.value]]));
      const result = await t.gql(block, variables);
      expect({ block, errors: result.errors }).toEqual({ block, errors: undefined });
      // A block may name where its id goes ("# its id → $canaryId"); otherwise the mutation's usual variable.
      const named = /id → \$(\w+)/.exec(block)?.[1];
      for (const [field, value] of Object.entries(result.data ?? {})) {
        const id = (value as { id?: unknown } | null)?.id;
        const variable = named ?? ID_VARIABLE[field];
        if (variable && id) known[variable] = id;
      }
    }
  });
});
