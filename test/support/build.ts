import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The compiled server (`npm run build`), spawned as a real process for HTTP-level and fault tests. */
export const ROOT = resolve(__dirname, '../..');
export const MAIN = join(ROOT, 'dist/src/main.js');

/** What `tsc -p tsconfig.build.json` compiles, and the configuration it compiles with. */
const BUILD_INPUTS = ['src', 'bench', 'client', 'scripts', 'tsconfig.json', 'tsconfig.build.json'];
/** Written next to the output after a build: the hash of the inputs it was built from. */
const BUILD_HASH = 'dist/.build-hash';

function hashTree(hash: ReturnType<typeof createHash>, root: string, path: string): void {
  const full = join(root, path);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of readdirSync(full).sort()) hashTree(hash, root, `${path}/${name}`);
  } else if (/\.(ts|json)$/.test(path)) {
    hash.update(`${path}\0`).update(readFileSync(full)).update('\0');
  }
}

/**
 * The content of everything the build reads (paths and bytes, not mtimes: a checkout, a merge or an editor's
 * save that leaves a file as it was must not force a rebuild, and an older file restored must force one).
 */
export function buildInputsHash(root = ROOT): string {
  const hash = createHash('sha256');
  for (const input of BUILD_INPUTS) hashTree(hash, root, input);
  return hash.digest('hex');
}

function newestMtime(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * dist/ was built from exactly the current sources. A build made by `npm run build` (`npm ci` runs it)
 * records no hash: it is adopted once, when it is newer than every input, and judged by content from then on.
 */
export function isBuildCurrent(root = ROOT): boolean {
  const main = join(root, 'dist/src/main.js');
  const marker = join(root, BUILD_HASH);
  if (!existsSync(main)) return false;
  const current = buildInputsHash(root);
  if (existsSync(marker)) return readFileSync(marker, 'utf8').trim() === current;
  if (statSync(main).mtimeMs <= Math.max(...BUILD_INPUTS.map((input) => newestMtime(join(root, input))))) return false;
  recordBuild(current, root);
  return true;
}

/** Records that dist/ holds the build of `hash` (computed before compiling: an edit during the build stays stale). */
export function recordBuild(hash: string, root = ROOT): void {
  writeFileSync(join(root, BUILD_HASH), `${hash}\n`);
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Compiles with `tsc -p tsconfig.build.json` unless dist/ was built from the current sources.
 * A lock directory keeps two jest workers (the sqlite and mysql projects) from compiling at once.
 */
export function ensureBuilt(): void {
  if (isBuildCurrent()) return;
  const lock = join(tmpdir(), `modelgraph-build-${Buffer.from(ROOT).toString('hex').slice(-32)}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for another build (${lock})`);
      sleepSync(200);
    }
  }
  try {
    if (isBuildCurrent()) return; // another worker built it meanwhile
    const hash = buildInputsHash();
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
    recordBuild(hash);
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`npm run build failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
