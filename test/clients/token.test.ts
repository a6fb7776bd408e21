import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { ROOT } from '../support/http';
import { CLI, run } from './run';

/** The CLI and the Python client send `Authorization: Bearer <token>` when given one (a stub endpoint records it). */

describe('bearer tokens', () => {
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({
          data: {
            models: { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 },
            experiment: { id: 'exp_1', name: 'e' },
          },
        }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('the CLI sends --token, else MODELGRAPH_TOKEN, else nothing', async () => {
    seen.length = 0;
    expect((await run(process.execPath, [CLI, '--url', url, '--token', 'tok-flag', 'models'])).code).toBe(0);
    expect((await run(process.execPath, [CLI, '--url', url, 'models'], { MODELGRAPH_TOKEN: 'tok-env' })).code).toBe(0);
    expect((await run(process.execPath, [CLI, 'models'], { MODELGRAPH_URL: url })).code).toBe(0);
    expect(seen).toEqual(['Bearer tok-flag', 'Bearer tok-env', undefined]);
  });

  it('the Python client sends its token', async () => {
    seen.length = 0;
    const code = 'from modelgraph import Client\nClient(__import__("sys").argv[1], token="tok-py").get_or_create_experiment("e")\nClient(__import__("sys").argv[1]).get_or_create_experiment("e")';
    const ran = await run('python3', ['-c', code, url], { PYTHONPATH: join(ROOT, 'client/python'), PYTHONDONTWRITEBYTECODE: '1' });
    expect(ran).toMatchObject({ code: 0, stderr: '' });
    expect(seen).toEqual(['Bearer tok-py', undefined]);
  });
});
