import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kind, parse, print, type ConstDirectiveNode, type DocumentNode, type ObjectTypeDefinitionNode } from 'graphql';
import { buildSubgraph } from '@apollo/federation-internals';
import { NODE_TYPE_NAMES } from '../../src/node/node-types';
import { buildRegistrySchema, printRegistrySchema } from '../../src/schema';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/** The registry as an Apollo Federation 2 subgraph: SDL with @key, _entities through DataLoaders, committed schema. */

const ENTITY_TYPES = NODE_TYPE_NAMES;

function keyFields(type: ObjectTypeDefinitionNode): string[] {
  return (type.directives ?? [])
    .filter((d: ConstDirectiveNode) => d.name.value === 'key')
    .map((d) => {
      const fields = d.arguments?.find((a) => a.name.value === 'fields')?.value;
      return fields?.kind === Kind.STRING ? fields.value : '?';
    });
}

function objectTypes(doc: DocumentNode): ObjectTypeDefinitionNode[] {
  return doc.definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);
}

/** "Type.field(args): Type" for every type of the registry's own (federation machinery left out). */
function fieldsOf(doc: DocumentNode): string[] {
  const internal = (name: string) => /^(_|link__|federation__)/.test(name);
  const out: string[] = [];
  for (const def of doc.definitions) {
    if (!('name' in def) || !def.name || internal(def.name.value)) continue;
    const type = def.name.value;
    if ('fields' in def && def.fields) {
      for (const f of def.fields) {
        if (internal(f.name.value)) continue;
        const args = 'arguments' in f && f.arguments?.length ? `(${f.arguments.map((a) => `${a.name.value}: ${print(a.type)}`).join(', ')})` : '';
        out.push(`${type}.${f.name.value}${args}: ${print(f.type)}`);
      }
    }
    if ('values' in def && def.values) for (const v of def.values) out.push(`${type}.${v.name.value}`);
    if ('types' in def && def.types) out.push(`${type} = ${def.types.map((u) => u.name.value).join(' | ')}`);
    if (def.kind === Kind.SCALAR_TYPE_DEFINITION) out.push(`scalar ${type}`);
  }
  return out.sort();
}

describe('federation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  describe('_service { sdl }', () => {
    let sdl: string;
    let doc: DocumentNode;
    beforeAll(async () => {
      sdl = (await t.ok<{ _service: { sdl: string } }>('{ _service { sdl } }'))._service.sdl;
      doc = parse(sdl);
    });

    it('links the federation 2 spec, importing @key', () => {
      const links = doc.definitions
        .filter((d) => d.kind === Kind.SCHEMA_EXTENSION || d.kind === Kind.SCHEMA_DEFINITION)
        .flatMap((d) => ('directives' in d ? d.directives ?? [] : []))
        .filter((d) => d.name.value === 'link');
      const urls = links.map((l) => l.arguments?.find((a) => a.name.value === 'url')?.value).map((v) => (v?.kind === Kind.STRING ? v.value : ''));
      expect(urls).toContainEqual(expect.stringMatching(/^https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+$/));
      expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+", import: \[[^\]]*"@key"/);
    });

    it.each(ENTITY_TYPES)('declares %s with @key(fields: "id")', (name) => {
      const type = objectTypes(doc).find((d) => d.name.value === name);
      expect(type).toBeDefined();
      expect(keyFields(type!)).toEqual(['id']);
      expect(sdl).toMatch(new RegExp(`type ${name}\\b[^{]*@key\\(fields: "id"\\)`));
    });

    it('marks the value types other subgraphs define too (PageInfo, Tag, Metric) @shareable, and is a valid federation 2 subgraph', () => {
      for (const name of ['PageInfo', 'Tag', 'Metric']) {
        const type = objectTypes(doc).find((d) => d.name.value === name);
        expect([name, type?.directives?.map((d) => d.name.value)]).toEqual([name, ['shareable']]);
      }
      // The subgraph validation composition runs first: directive definitions, @key fields, @shareable use.
      expect(() => buildSubgraph('registry', 'http://registry/graphql', sdl).validate()).not.toThrow();
    });

    it('makes every Node type an entity and every entity a Node', () => {
      const types = objectTypes(doc);
      const nodes = types.filter((d) => d.interfaces?.some((i) => i.name.value === 'Node')).map((d) => d.name.value).sort();
      const keyed = types.filter((d) => keyFields(d).length > 0).map((d) => d.name.value).sort();
      expect(keyed).toEqual(nodes);
      expect(keyed).toEqual(expect.arrayContaining(ENTITY_TYPES));
    });
  });

  describe('_entities', () => {
    const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename
      ... on Model { id name } ... on ModelVersion { id version model { id } } ... on Experiment { id name }
      ... on Run { id } ... on Dataset { id name } ... on DatasetVersion { id version } ... on Deployment { id name } } }`;
    let model: { id: string; name: string };
    let version: { id: string; version: string };

    beforeAll(async () => {
      const s = seed(t);
      model = await s.model('entity-model');
      version = await s.version(model.id);
    });

    it('resolves known references and answers null for unknown ones, in order', async () => {
      const data = await t.ok(ENTITIES, {
        r: [
          { __typename: 'Model', id: model.id },
          { __typename: 'ModelVersion', id: version.id },
          { __typename: 'Model', id: 'mdl_doesnotexist' },
          { __typename: 'Model', id: 'mdl_01jzzzzzzzzzzzzzzzzzzzzzzz' }, // well-formed, not stored
          { __typename: 'Model', id: version.id }, // an id of another type
        ],
      });
      expect(data._entities).toEqual([
        { __typename: 'Model', id: model.id, name: 'entity-model' },
        { __typename: 'ModelVersion', id: version.id, version: '1', model: { id: model.id } },
        null,
        null,
        null,
      ]);
    });

    it('resolves every entity type', async () => {
      const s = seed(t);
      const exp = await s.experiment();
      const run = await s.run(exp.id);
      const ds = await s.dataset();
      const dsv = await s.datasetVersion(ds.id);
      const dep = await s.deployment(model.id);
      const refs = [
        { __typename: 'Experiment', id: exp.id }, { __typename: 'Run', id: run.id }, { __typename: 'Dataset', id: ds.id },
        { __typename: 'DatasetVersion', id: dsv.id }, { __typename: 'Deployment', id: dep.id },
      ];
      const data = await t.ok(ENTITIES, { r: refs });
      expect(data._entities).toEqual([
        { __typename: 'Experiment', id: exp.id, name: exp.name },
        { __typename: 'Run', id: run.id },
        { __typename: 'Dataset', id: ds.id, name: ds.name },
        { __typename: 'DatasetVersion', id: dsv.id, version: dsv.version },
        { __typename: 'Deployment', id: dep.id, name: dep.name },
      ]);
    });

    it('loads 20 models in at most 2 SQL statements (one DataLoader batch), the same as for 5', async () => {
      const s = seed(t);
      const models: { id: string }[] = [];
      for (let i = 0; i < 20; i++) models.push(await s.model());
      const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Model { id name tags { key } } } }';
      const refs = (n: number) => models.slice(0, n).map((m) => ({ __typename: 'Model', id: m.id }));

      const twenty = await t.statements(query, { r: refs(20) });
      expect(twenty.result.errors).toBeUndefined();
      expect((twenty.result.data as { _entities: { id: string }[] })._entities.map((e) => e.id)).toEqual(models.map((m) => m.id));
      expect(twenty.statements.length).toBeGreaterThan(0);
      expect(twenty.statements.length).toBeLessThanOrEqual(2);

      const five = await t.statements(query, { r: refs(5) });
      expect(five.statements.length).toBe(twenty.statements.length);
    });
  });

  describe('the committed schema/schema.graphql', () => {
    it('equals what the code prints now', async () => {
      const printed = `${printRegistrySchema(await buildRegistrySchema()).trimEnd()}\n`;
      const committed = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
      if (committed !== printed) {
        const a = committed.split('\n');
        const b = printed.split('\n');
        let line = 0;
        while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
        throw new Error(
          `schema/schema.graphql is out of date with the code: run npm run schema:emit (and commit the result).\n` +
          `First difference at line ${line + 1}:\n  committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n  printed:   ${JSON.stringify(b[line] ?? '<end of file>')}`,
        );
      }
      expect(committed).toBe(printed);
    });

    it('describes the same types and fields as the SDL the running subgraph serves', async () => {
      const served = (await t.ok<{ _service: { sdl: string } }>('{ _service { sdl } }'))._service.sdl;
      const committed = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
      // _service.sdl also carries the federation/link definitions and _service/_entities: compare the registry's own.
      expect(fieldsOf(parse(committed))).toEqual(fieldsOf(parse(served)));
      expect(fieldsOf(parse(committed)).length).toBeGreaterThan(100);
    });
  });
});
