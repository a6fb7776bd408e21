import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/http';

export const CLI = join(ROOT, 'dist/client/cli.js');
export const SEED = join(ROOT, 'dist/client/seed.js');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (node script or python3) to its end with only PATH/HOME and `env`; never rejects. */
export function run(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, {
      cwd: ROOT, timeout: timeoutMs, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `modelgraph <args>` against `url` (the GraphQL endpoint). */
export const cli = (url: string, ...args: string[]): Promise<Ran> => run(process.execPath, [CLI, ...args], { MODELGRAPH_URL: url });

/** `modelgraph --json <args>`, expecting exit 0: the parsed output. */
export async function cliJson<T>(url: string, ...args: string[]): Promise<T> {
  const ran = await cli(url, '--json', ...args);
  if (ran.code !== 0) throw new Error(`modelgraph ${args.join(' ')} exited ${ran.code}: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as T;
}
