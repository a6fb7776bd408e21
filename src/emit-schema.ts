import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildRegistrySchema, printClientSchema, printRegistrySchema } from './schema';

/**
 * Writes schema/schema.graphql (the federation SDL, the committed client contract) and schema/api.graphql
 * (the same schema with the federation definitions included, for tools that do not know federation).
 */
async function emit(): Promise<void> {
  const schema = await buildRegistrySchema();
  const write = (file: string, text: string) => {
    const target = resolve(__dirname, '../../schema', file);
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
  };
  write('schema.graphql', `${printRegistrySchema(schema).trimEnd()}\n`);
  write('api.graphql', printClientSchema(schema));
}

void emit();
