import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInputsHash, isBuildCurrent, recordBuild } from '../support/build';

/**
 * The HTTP and fault tests spawn dist/src/main.js; it is rebuilt when the sources' content differs from what
 * it was built from, and only then (mtimes move on checkouts and merges that change nothing, and stay old
 * when a file is restored).
 */
describe('whether dist/ must be rebuilt', () => {
  let root: string;
  const file = (path: string) => join(root, path);
  const write = (path: string, text: string) => {
    mkdirSync(join(file(path), '..'), { recursive: true });
    writeFileSync(file(path), text);
  };
  const setTime = (path: string, seconds: number) => utimesSync(file(path), seconds, seconds);
  const NOW = Math.floor(Date.now() / 1000);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'modelgraph-build-check-'));
    write('tsconfig.json', '{}');
    write('tsconfig.build.json', '{}');
    write('src/main.ts', 'export const a = 1;\n');
    write('bench/run.ts', 'export {};\n');
    for (const path of ['tsconfig.json', 'tsconfig.build.json', 'src/main.ts', 'bench/run.ts']) setTime(path, NOW - 100);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('no dist/src/main.js → rebuild', () => {
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('a build newer than its sources with no recorded hash (npm run build) is adopted, and its hash recorded', () => {
    write('dist/src/main.js', '');
    expect(isBuildCurrent(root)).toBe(true);
    expect(readFileSync(file('dist/.build-hash'), 'utf8').trim()).toBe(buildInputsHash(root));
  });

  it('an unrecorded build older than a source → rebuild', () => {
    write('dist/src/main.js', '');
    setTime('dist/src/main.js', NOW - 200);
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('a source saved again with the same content (newer mtime) → no rebuild', () => {
    write('dist/src/main.js', '');
    recordBuild(buildInputsHash(root), root);
    setTime('dist/src/main.js', NOW - 200);
    setTime('src/main.ts', NOW + 100);
    expect(isBuildCurrent(root)).toBe(true);
  });

  it('a source whose content changed while its mtime went back → rebuild', () => {
    write('dist/src/main.js', '');
    recordBuild(buildInputsHash(root), root);
    write('src/main.ts', 'export const a = 2;\n');
    setTime('src/main.ts', NOW - 1_000);
    expect(isBuildCurrent(root)).toBe(false);
    recordBuild(buildInputsHash(root), root);
    expect(isBuildCurrent(root)).toBe(true);
  });

  it('a new source, a removed one, a changed tsconfig or a renamed file → rebuild', () => {
    write('dist/src/main.js', '');
    recordBuild(buildInputsHash(root), root);
    const built = buildInputsHash(root);
    write('src/extra.ts', '');
    expect(isBuildCurrent(root)).toBe(false);
    rmSync(file('src/extra.ts'));
    expect(buildInputsHash(root)).toBe(built);
    write('tsconfig.build.json', '{"compilerOptions":{}}');
    expect(buildInputsHash(root)).not.toBe(built);
    write('tsconfig.build.json', '{}');
    rmSync(file('bench/run.ts'));
    write('bench/other.ts', 'export {};\n');
    expect(buildInputsHash(root)).not.toBe(built);
  });
});
