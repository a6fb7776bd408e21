import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'graphql';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { composeServices } from '@apollo/composition';
import { ROOT, runUntilExit, startServer } from '../support/http';

/**
 * The deployment files (no container engine or hadolint here): the Dockerfile parsed and checked
 * instruction by instruction, the Kubernetes and Router YAML parsed and checked for what operating the
 * registry relies on, the supergraph composed, and the image's environment tried on the real server.
 */
interface Instruction { keyword: string; args: string; line: number }
interface Stage { name: string; base: string; instructions: Instruction[] }

const KEYWORDS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL']);

/** Instructions with their continuation lines joined; comments and blank lines dropped. */
function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    const joined = pending ? `${pending.text} ${line}` : line;
    const start = pending?.line ?? i + 1;
    if (joined.endsWith('\\')) {
      pending = { text: joined.slice(0, -1).trim(), line: start };
      return;
    }
    pending = undefined;
    const [keyword, ...rest] = joined.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: start });
  });
  expect(pending).toBeUndefined();
  const args = instructions.slice(0, instructions.findIndex((x) => x.keyword === 'FROM'));
  const stages: Stage[] = [];
  for (const x of instructions.slice(args.length)) {
    if (x.keyword === 'FROM') {
      const m = /^(\S+)\s+AS\s+(\S+)$/i.exec(x.args);
      expect(m).not.toBeNull();
      stages.push({ base: m![1], name: m![2], instructions: [] });
    } else {
      stages.at(-1)!.instructions.push(x);
    }
  }
  return { args, stages };
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('Dockerfile', () => {
  const { args, stages } = parseDockerfile(read('Dockerfile'));
  const stage = (name: string) => stages.find((s) => s.name === name)!;
  const runtime = stages.at(-1)!;

  it('uses only valid instructions in named stages on node:20-slim', () => {
    for (const x of [...args, ...stages.flatMap((s) => s.instructions)]) expect(KEYWORDS.has(x.keyword)).toBe(true);
    expect(args.map((a) => a.keyword)).toEqual(['ARG']);
    expect(args[0].args).toBe('NODE_IMAGE=node:20-slim');
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    for (const s of stages) expect(s.base).toBe('${NODE_IMAGE}');
  });

  it('builds with npm ci, installs production dependencies only for the runtime, copies only from earlier stages', () => {
    const runs = (s: Stage) => s.instructions.filter((x) => x.keyword === 'RUN').map((x) => x.args).join(' && ');
    expect(runs(stage('build'))).toMatch(/npm ci\b.*npm run build/);
    expect(runs(stage('deps'))).toMatch(/npm ci --omit=dev\b/);
    expect(runs(stage('deps'))).toMatch(/npm rebuild better-sqlite3/);
    expect(runs(runtime)).not.toMatch(/npm (ci|install)/);
    stages.forEach((s, i) => {
      for (const copy of s.instructions.filter((x) => x.keyword === 'COPY')) {
        const from = /--from=(\S+)/.exec(copy.args)?.[1];
        if (from) expect(stages.slice(0, i).map((p) => p.name)).toContain(from);
      }
    });
    const fromStages = runtime.instructions.filter((x) => x.keyword === 'COPY').map((x) => x.args);
    expect(fromStages).toEqual(expect.arrayContaining([expect.stringMatching(/--from=deps .*\/app\/node_modules/), expect.stringMatching(/--from=build .*\/app\/dist/)]));
  });

  it('runs as a non-root user with a HEALTHCHECK on /ready and the server as its command', () => {
    const users = runtime.instructions.filter((x) => x.keyword === 'USER').map((x) => x.args);
    expect(users).toEqual(['node']);
    const user = runtime.instructions.findIndex((x) => x.keyword === 'USER');
    expect(runtime.instructions.findIndex((x) => x.keyword === 'CMD')).toBeGreaterThan(user);
    const health = runtime.instructions.filter((x) => x.keyword === 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0].args).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \[/);
    expect(health[0].args).toContain('/ready');
    // The image runs what `npm start` runs, Node options included.
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.split(' ');
    expect(start).toEqual(['node', expect.stringMatching(/^--max-old-space-size=\d+$/), 'dist/src/main.js']);
    expect(JSON.parse(runtime.instructions.find((x) => x.keyword === 'CMD')!.args)).toEqual(start);
  });

  it('sends the build everything it compiles and nothing it must not', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    const copied = stage('build').instructions.filter((x) => x.keyword === 'COPY').flatMap((x) => x.args.split(/\s+/).slice(0, -1));
    for (const input of [...build.include, 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']) {
      expect(copied).toContain(input);
      expect(ignored).not.toContain(input);
      expect(existsSync(join(ROOT, input))).toBe(true);
    }
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', 'data', '.env', '*.db']));
  });

  it('with the image\'s environment the server refuses open mode, and starts with REGISTRY_ADMIN_TOKEN; the HEALTHCHECK command passes', async () => {
    const env = Object.fromEntries(runtime.instructions.filter((x) => x.keyword === 'ENV')
      .flatMap((x) => x.args.split(/\s+/).map((kv) => kv.split('=') as [string, string])));
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '4000' });
    const dir = mkdtempSync(join(tmpdir(), 'modelgraph-image-'));
    try {
      const database = { url: `sqlite:${join(dir, 'registry.db')}`, engine: 'sqlite' as const, drop: async () => undefined };
      const refused = await runUntilExit({ ...env, PORT: '0', DATABASE_URL: database.url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/refusing to start in open local mode .* set REGISTRY_ADMIN_TOKEN or AUTH_JWKS_URL/);
      // The test picks the port and the database.
      const { PORT: _port, DATABASE_URL: _url, ...rest } = env;
      const server = await startServer({ ...rest, REGISTRY_ADMIN_TOKEN: 'x'.repeat(32) }, { database });
      try {
        const cmd = JSON.parse(/CMD (\[.*\])$/.exec(runtime.instructions.find((x) => x.keyword === 'HEALTHCHECK')!.args)![1]) as string[];
        expect(cmd[0]).toBe('node');
        execFileSync(process.execPath, cmd.slice(1), { env: { PORT: String(server.port) }, timeout: 10_000 });
        await server.stop();
        expect(() => execFileSync(process.execPath, cmd.slice(1), { env: { PORT: String(server.port) }, timeout: 10_000, stdio: 'pipe' })).toThrow();
      } finally {
        await server.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/kubernetes.yaml', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes.yaml')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Record<string, any>;
  });
  const kind = (k: string) => docs.find((d) => d.kind === k)!;

  it('a Deployment that rolls out without losing capacity, probed on /ready and /health, credentials from a Secret', () => {
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['apps/v1 Deployment', 'v1 Service', 'policy/v1 PodDisruptionBudget']);
    const deployment = kind('Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(deployment.spec.replicas).toBeGreaterThan(1);
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const [container] = pod.containers;
    expect(container.ports).toEqual([{ name: 'http', containerPort: 4000, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    // The startup probe covers a migration, or the wait for another pod's (the migration lock waits 300 s).
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
    const env = Object.fromEntries(container.env.map((e: { name: string }) => [e.name, e]));
    for (const name of ['DATABASE_URL', 'REGISTRY_ADMIN_TOKEN']) {
      expect(env[name]).toEqual({ name, valueFrom: { secretKeyRef: { name: 'modelgraph', key: name } } });
    }
    expect(env.HOST).toEqual({ name: 'HOST', value: '0.0.0.0' });
    expect(env.NODE_ENV).toEqual({ name: 'NODE_ENV', value: 'production' });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(5);
  });

  it('a Service selecting the pods on the container port, and a disruption budget below the replica count', () => {
    const service = kind('Service');
    const deployment = kind('Deployment');
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 4000, targetPort: 'http', protocol: 'TCP' }]);
    const pdb = kind('PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
  });
});

describe('deploy/router.yaml and deploy/supergraph.yaml', () => {
  it('the Router forwards Authorization and X-Request-Id to the subgraphs', () => {
    const router = parseYaml(read('deploy/router.yaml')) as Record<string, any>;
    expect(router.headers.all.request).toEqual([{ propagate: { named: 'authorization' } }, { propagate: { named: 'x-request-id' } }]);
    expect(router.supergraph).toMatchObject({ listen: '0.0.0.0:4000', path: '/graphql' });
    expect(router.health_check).toMatchObject({ enabled: true });
  });

  it('the supergraph config composes the registry\'s subgraph schema, routed to the Kubernetes Service', () => {
    const file = join(ROOT, 'deploy/supergraph.yaml');
    const config = parseYaml(readFileSync(file, 'utf8')) as { federation_version: string; subgraphs: Record<string, { routing_url: string; schema: { file: string } }> };
    expect(config.federation_version).toMatch(/^=2\.\d+\.\d+$/);
    const { modelgraph } = config.subgraphs;
    expect(modelgraph.routing_url).toBe('http://modelgraph.modelgraph.svc.cluster.local:4000/graphql');
    const sdl = readFileSync(resolve(dirname(file), modelgraph.schema.file), 'utf8');
    const result = composeServices([{ name: 'modelgraph', typeDefs: parse(sdl), url: modelgraph.routing_url }]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.schema?.toAPISchema().toGraphQLJSSchema().getQueryType()?.getFields().lineage).toBeDefined();
  });
});
