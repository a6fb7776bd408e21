import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildRegistrySchema, printRegistrySchema } from './schema';

/** Writes schema/schema.graphql (the committed client contract). */
async function emit(): Promise<void> {
  const sdl = printRegistrySchema(await buildRegistrySchema());
  const target = resolve(__dirname, '../../schema/schema.graphql');
  writeFileSync(target, `${sdl.trimEnd()}\n`);
  process.stdout.write(`wrote ${target}\n`);
}

void emit();
