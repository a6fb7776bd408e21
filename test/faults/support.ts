import { once } from 'node:events';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits } from '../../src/config';
import { createHttpServer } from '../../src/http';
import type { StatementTimeouts } from '../../src/db/data-source';

export interface Outcome {
  id?: string;
  code?: string;
}

/** An in-process registry on `databaseUrl`, with its HTTP server (for /ready) on an ephemeral port. */
export async function startInProcess(databaseUrl: string, timeouts?: StatementTimeouts): Promise<{ app: RegistryApp; url: string; close(): Promise<void> }> {
  const app = await RegistryApp.create({ databaseUrl, limits: defaultQueryLimits(), log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), timeouts });
  const server: Server = createHttpServer(app, defaultQueryLimits());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    url,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await app.stop();
    },
  };
}

export async function readyStatus(url: string): Promise<number> {
  return (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) })).status;
}

/** Runs one mutation through the app's GraphQL layer: the id it acknowledged, or the error code. */
export async function mutate(app: RegistryApp, query: string, variables: Record<string, unknown>): Promise<Outcome> {
  const response = await app.apollo.executeOperation({ query, variables }, { contextValue: await app.context({ headers: {} }) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors } = response.body.singleResult;
  if (errors?.length) return { code: String(errors[0].extensions?.code) };
  const value = Object.values(data ?? {})[0] as { id: string };
  return { id: value.id };
}

export const CREATE_VERSION = 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }';
export const CREATE_EXPERIMENT = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }';

/** The i-th write of a load: alternately a model version and an experiment, of varying sizes. */
export function nthWrite(i: number, modelId: string, prefix = 'e'): [string, Record<string, unknown>] {
  return i % 2 === 0
    ? [CREATE_VERSION, { i: { modelId, artifactUri: `s3://a/${'x'.repeat(50 * (i % 7))}/${i}`, tags: [{ key: 'k', value: 'v'.repeat(100 * (i % 5)) }], metrics: [{ key: 'auc', value: 0.5 }] } }]
    : [CREATE_EXPERIMENT, { i: { name: `${prefix}${i}`, description: 'y'.repeat(60 * (i % 9)), tags: [{ key: 't', value: 'w'.repeat(80 * (i % 4)) }] } }];
}

export function count(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.id ? 'acknowledged' : o.code ?? '?'] = (counts[o.id ? 'acknowledged' : o.code ?? '?'] ?? 0) + 1;
  return counts;
}
