import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A SQLite DATABASE_URL whose directory cannot be made fails at once with one line naming the variable
 * (`sqlite:/proc/x/y.db` used to spin forever). Run in a child process with a deadline, because a busy
 * loop in this process could not be interrupted by a test timeout.
 */
const ROOT = resolve(__dirname, '../..');

/** Node code that compiles our TypeScript on require (with @swc/core, as jest does) and prepares the URL's data source. */
const CHILD = `
const fs = require('node:fs');
const swc = require('@swc/core');
require.extensions['.ts'] = (module, filename) => module._compile(swc.transformSync(fs.readFileSync(filename, 'utf8'), {
  filename, module: { type: 'commonjs' },
  jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
}).code, filename);
require('reflect-metadata');
const { dataSourceOptions, parseDatabaseUrl } = require('./src/db/data-source.ts');
try {
  dataSourceOptions(parseDatabaseUrl(process.argv[1]), []);
  console.log('ok');
} catch (error) {
  console.log('error: ' + error.message);
}`;

function prepare(url: string): { output: string; ms: number; timedOut: boolean } {
  const started = Date.now();
  const child = spawnSync(process.execPath, ['-e', CHILD, url], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
  return { output: `${child.stdout}${child.stderr}`.trim(), ms: Date.now() - started, timedOut: child.error !== undefined || child.signal !== null };
}

describe('SQLite database paths', () => {
  it.each([
    ['under /proc', 'sqlite:/proc/x/y.db', 'DATABASE_URL: cannot create the directory /proc/x for the SQLite file (ENOENT)'],
    ['deeper under /proc', 'sqlite:/proc/x/y/z.db', 'DATABASE_URL: cannot create the directory /proc/x for the SQLite file (ENOENT)'],
    ['under a file', 'sqlite:/dev/null/y.db', 'DATABASE_URL: /dev/null is not a directory'],
  ])('a directory that cannot be made (%s) → one clear line, at once', (_label, url, line) => {
    const result = prepare(url);
    expect(result.timedOut).toBe(false);
    expect(result.output).toBe(`error: ${line}`);
  });

  it('missing directories that can be made are created (control)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-path-'));
    try {
      const result = prepare(`sqlite:${dir}/a/b/registry.db`);
      expect(result).toMatchObject({ timedOut: false, output: 'ok' });
      expect(existsSync(join(dir, 'a/b'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
