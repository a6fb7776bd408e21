import { join } from 'node:path';
import { postGraphql, ROOT, startServer, type RunningServer } from '../support/http';
import { run, type Ran } from './run';

/**
 * The Python client (client/python, standard library only) run by python3 against the compiled server:
 * the training example, idempotent registration, the run context manager, errors with code and field.
 */

const PYTHONPATH = join(ROOT, 'client/python');
const TRAIN = join(ROOT, 'client/python/examples/train.py');

const python = (url: string, args: string[], env: Record<string, string> = {}): Promise<Ran> =>
  run('python3', args, { PYTHONPATH, PYTHONDONTWRITEBYTECODE: '1', MODELGRAPH_URL: url, ...env });

/** Runs a Python snippet (with `client` bound) that prints one JSON value; the parsed value. */
async function snippet<T>(url: string, code: string): Promise<T> {
  const program = `import json, os\nfrom modelgraph import Client, ModelgraphError\nclient = Client(os.environ["MODELGRAPH_URL"])\n${code}`;
  const ran = await python(url, ['-c', program]);
  if (ran.code !== 0) throw new Error(`python3 exited ${ran.code}:\n${ran.stderr}`);
  return JSON.parse(ran.stdout) as T;
}

interface TrainOutput {
  datasets: { raw: string; clean: string; clean_version: string };
  experiment: string;
  run: { id: string; status: string };
  model_version: { id: string; version: string; stage: string };
}

describe('the Python client', () => {
  let s: RunningServer;
  let url: string;
  beforeAll(async () => {
    s = await startServer();
    url = `${s.url}/graphql`;
  });
  afterAll(async () => {
    await s?.dispose();
  });

  it('runs the training example: data, a finished run with metrics, a staged version trained on the data', async () => {
    const first = await python(url, [TRAIN]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const one = JSON.parse(first.stdout) as TrainOutput;
    expect(one.run.status).toBe('FINISHED');
    expect(one.model_version).toMatchObject({ version: '1', stage: 'STAGING' });
    expect(one.datasets.clean_version).toBe('1');

    const { json } = await postGraphql(s.url, {
      query: `query($id: ID!) { node(id: $id) { ... on ModelVersion { model { name } run { id status params metrics { key value step } }
        datasets { role datasetVersion { id derivedFrom { id } } } } } }`,
      variables: { id: one.model_version.id },
    });
    const version = json?.data.node;
    expect(version.model.name).toBe('iris-classifier');
    expect(version.run).toMatchObject({ id: one.run.id, status: 'FINISHED', params: { learning_rate: 0.1, epochs: 3, seed: 7 } });
    expect(version.run.metrics.map((m: { key: string; step: number }) => `${m.key}@${m.step}`).sort()).toEqual(['accuracy@2', 'loss@2']);
    expect(version.datasets).toEqual([{ role: 'TRAINING', datasetVersion: { id: one.datasets.clean, derivedFrom: [{ id: one.datasets.raw }] } }]);

    // Again: the same data versions (same digests), a new run, so a new version.
    const two = JSON.parse((await python(url, [TRAIN])).stdout) as TrainOutput;
    expect(two.datasets).toEqual(one.datasets);
    expect(two.experiment).toBe(one.experiment);
    expect(two.run.id).not.toBe(one.run.id);
    expect(two.model_version).toMatchObject({ version: '2', stage: 'STAGING' });
  });

  it('registers once per (model, artifact, run) however often it is retried, and creates a missing model', async () => {
    const result = await snippet<{ a: { id: string; version: string }; b: { id: string }; c: { version: string }; d: { version: string }; scheme: string }>(url, `
a = client.register_version("py-model", "s3://m/1", artifact_digest="sha256:" + "1" * 64, metrics={"auc": 0.9})
b = client.register_version("py-model", "s3://m/1", artifact_digest="sha256:" + "1" * 64, metrics={"auc": 0.9})
c = client.register_version("py-model", "s3://m/2", artifact_digest="sha256:" + "2" * 64)
d = client.register_version("py-semver", "s3://m/3", versioning_scheme="SEMVER")
scheme = client.execute('{ model(name: "py-semver") { versioningScheme } }')["model"]["versioningScheme"]
print(json.dumps({"a": a, "b": b, "c": c, "d": d, "scheme": scheme}))`);
    expect(result.a.version).toBe('1');
    expect(result.b.id).toBe(result.a.id);
    expect(result.c.version).toBe('2');
    expect([result.d.version, result.scheme]).toEqual(['1.0.0', 'SEMVER']);
  });

  it('finishes a run FINISHED after its block, FAILED when the block raised (and re-raises)', async () => {
    const result = await snippet<{ ok: string; failed: string; raised: string; lineage: { relation: string; from: string; to: string }[]; again: string }>(url, `
exp = client.get_or_create_experiment("py-exp")
assert client.get_or_create_experiment("py-exp")["id"] == exp["id"]
with client.start_run(exp["id"], name="good", params={"a": 1}) as good:
    client.log_metrics(good["id"], {"loss": 0.5}, step=1)
raised = ""
try:
    with client.start_run(exp["id"], name="bad") as bad:
        raise ValueError("diverged")
except ValueError as error:
    raised = str(error)
status = client.execute('query($id: ID!) { run(id: $id) { status } }', {"id": bad["id"]})["run"]["status"]
graph = client.lineage(good["id"], direction="upstream", max_depth=1)
try:
    client.finish_run(good["id"])
    again = "no error"
except ModelgraphError as error:
    again = error.code
print(json.dumps({"ok": good["status"], "failed": status, "raised": raised, "lineage": graph["edges"], "again": again, "exp": exp["id"]}))`);
    expect(result).toMatchObject({ ok: 'FINISHED', failed: 'FAILED', raised: 'diverged', again: 'PRECONDITION_FAILED' });
    expect(result.lineage).toEqual([expect.objectContaining({ relation: 'CONTAINS' })]);
  });

  it('raises ModelgraphError with the code and the field', async () => {
    const result = await snippet<[string, string | null, string][]>(url, `
out = []
for call in (
    lambda: client.register_version("py-model", "s3://m/x", artifact_digest="md5:nope"),
    lambda: client.promote("py-model", "99", "production"),
    lambda: client.promote("py-model", "1", "sideways"),
    lambda: Client("http://127.0.0.1:1/graphql").get_or_create_experiment("x"),
):
    try:
        call()
        out.append(["none", None, ""])
    except ModelgraphError as error:
        out.append([error.code, error.field, type(error).__name__])
print(json.dumps(out))`);
    expect(result).toEqual([
      ['BAD_USER_INPUT', 'input.artifactDigest', 'ModelgraphError'],
      ['NOT_FOUND', 'version', 'ModelgraphError'],
      ['BAD_USER_INPUT', 'stage', 'ModelgraphError'],
      ['NETWORK_ERROR', null, 'ModelgraphError'],
    ]);
  });
});
