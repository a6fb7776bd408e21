/**
 * Composes schema/schema.graphql with the example second subgraph (schema/examples/monitoring.graphql) into
 * schema/supergraph.example.graphql, the supergraph a router would serve: proof that modelgraph composes, and
 * an example of extending its entities. Run by `npm run generate`; CI fails when the committed file is stale.
 *
 *   node dist/scripts/compose-example.js [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

/** The repository root: the nearest folder holding schema/schema.graphql (this file runs from scripts/ and from dist/scripts/). */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(resolve(dir, 'schema/schema.graphql'))) return dir;
  throw new Error(`no schema/schema.graphql above ${from}`);
}

const ROOT = repositoryRoot(__dirname);
const OUT = resolve(ROOT, 'schema/supergraph.example.graphql');

export function composeExample(): string {
  const result = composeServices([
    { name: 'modelgraph', typeDefs: parse(readFileSync(resolve(ROOT, 'schema/schema.graphql'), 'utf8')), url: 'http://modelgraph:4000/graphql' },
    { name: 'monitoring', typeDefs: parse(readFileSync(resolve(ROOT, 'schema/examples/monitoring.graphql'), 'utf8')), url: 'http://monitoring:4001/graphql' },
  ]);
  if (result.errors?.length || !result.supergraphSdl) {
    throw new Error(`composition failed:\n${(result.errors ?? []).map((e) => e.message).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

if (require.main === module) {
  const sdl = composeExample();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OUT, 'utf8');
    if (committed !== sdl) {
      process.stderr.write('schema/supergraph.example.graphql is stale: run `npm run generate`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, sdl);
  }
}
