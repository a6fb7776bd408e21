import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { print, type DocumentNode } from 'graphql';
import * as generated from '../../client/generated/graphql';
import { createClient, RegistryError } from '../../client';
import { ROOT, startServer, type RunningServer } from '../support/http';

/** The typed SDK in process against the compiled server; the persisted-documents manifest. */

describe('createClient', () => {
  let s: RunningServer;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    s = await startServer();
    client = createClient({ url: `${s.url}/graphql`, token: 'any-token' });
  });
  afterAll(async () => {
    await s?.dispose();
  });

  it('runs the jobs with typed answers', async () => {
    await client.createModel('sdk-model', { versioningScheme: 'INTEGER' });
    const v1 = await client.register('sdk-model', { artifactUri: 's3://m/1', metrics: { auc: 0.8 } });
    const v2 = await client.register('sdk-model', { artifactUri: 's3://m/2', metrics: { auc: 0.9 } });
    expect([v1.version, v2.version]).toEqual(['1', '2']);
    expect((await client.promote('sdk-model', '2', 'PRODUCTION')).stage).toBe('PRODUCTION');
    expect((await client.versions('sdk-model')).versions.edges.map((e) => [e.node.version, e.node.stage])).toEqual([['2', 'PRODUCTION'], ['1', 'NONE']]);
    const comparison = await client.compare([v1.id, v2.id]);
    expect(comparison.metrics).toEqual([expect.objectContaining({ key: 'auc', values: [0.8, 0.9], best: { id: v2.id, version: '2' } })]);
    expect((await client.lineage(v2.id, { direction: 'UPSTREAM' })).nodes.map((n) => n.node.__typename)).toEqual(['ModelVersion', 'Model']);
  });

  it('throws RegistryError with the code and the field', async () => {
    const failure = async (work: Promise<unknown>) => {
      const error: unknown = await work.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      const { code, field } = error as RegistryError;
      return { code, field };
    };
    expect(await failure(client.register('sdk-model', { artifactUri: 's3://m/3', artifactDigest: 'nope' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.artifactDigest' });
    expect(await failure(client.promote('sdk-model', '9', 'STAGING'))).toEqual({ code: 'NOT_FOUND', field: 'version' });
    expect(await failure(client.createModel('sdk-model'))).toEqual({ code: 'CONFLICT', field: 'input.name' });
    expect(await failure(client.rollback('sdk-model'))).toEqual({ code: 'PRECONDITION_FAILED', field: undefined });
    expect(await failure(createClient({ url: 'http://127.0.0.1:1/graphql' }).models())).toEqual({ code: 'NETWORK_ERROR', field: undefined });
  });
});

describe('client/generated/persisted-documents.json', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'client/generated/persisted-documents.json'), 'utf8')) as Record<string, string>;
  const documents = Object.entries(generated)
    .filter(([name]) => name.endsWith('Document'))
    .map(([name, doc]) => ({ name, doc: doc as DocumentNode & { __meta__?: { hash: string } } }));

  it('maps the sha256 of every operation document to its text, and each generated document carries its hash', () => {
    expect(documents.length).toBeGreaterThan(20);
    for (const [hash, text] of Object.entries(manifest)) {
      expect(`sha256:${createHash('sha256').update(text).digest('hex')}`).toBe(hash);
    }
    const hashes = documents.map((d) => d.doc.__meta__?.hash);
    expect(new Set(hashes)).toEqual(new Set(Object.keys(manifest)));
    const deploy = documents.find((d) => d.name === 'DeployDocument')!.doc;
    expect(print(deploy).replace(/\s+/g, ' ')).toContain('mutation Deploy(');
    expect(manifest[deploy.__meta__!.hash]).toContain('mutation Deploy($comment: String, $deploymentId: ID!');
  });
});
