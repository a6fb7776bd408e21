import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaCompat } from '../../scripts/check-schema-compat';
import { ensureBuilt, ROOT } from '../support/http';
import { run } from './run';

/** The breaking-change check of the committed schema (scripts/check-schema-compat.ts) on small SDLs. */

const OLD = `
type Query {
  model(name: String!): Model
  models(first: Int, legacyLimit: Int @deprecated(reason: "use first")): [Model!]!
  oldSearch(text: String!): [Model!]! @deprecated(reason: "use models")
}
type Model { id: ID! name: String! stage: Stage! owner: String @deprecated(reason: "see policy") legacy: LegacyInfo @deprecated(reason: "gone soon") }
type LegacyInfo { note: String }
enum Stage { NONE PRODUCTION ARCHIVED LIMBO @deprecated(reason: "never used") }
`;

const paths = (changes: { type: string; path?: string }[]) => changes.map((c) => `${c.type} ${c.path}`).sort();

describe('schemaCompat', () => {
  it('passes a safe addition', async () => {
    const report = await schemaCompat(OLD, OLD.replace('id: ID! name: String!', 'id: ID! name: String! description: String'));
    expect(report.breaking).toEqual([]);
    expect(paths(report.other)).toEqual(['FIELD_ADDED Model.description']);
  });

  it('fails on removing or retyping what was not deprecated', async () => {
    const report = await schemaCompat(OLD, OLD.replace(' stage: Stage!', '').replace('model(name: String!)', 'model(name: ID!)'));
    expect(paths(report.breaking)).toEqual(['FIELD_ARGUMENT_TYPE_CHANGED Query.model.name', 'FIELD_REMOVED Model.stage']);
  });

  it('allows removing what was deprecated: a field, an argument, an enum value, a type only deprecated fields used', async () => {
    const removed = OLD
      .replace(' owner: String @deprecated(reason: "see policy")', '')
      .replace(', legacyLimit: Int @deprecated(reason: "use first")', '')
      .replace(' LIMBO @deprecated(reason: "never used")', '')
      .replace('  oldSearch(text: String!): [Model!]! @deprecated(reason: "use models")\n', '')
      .replace(' legacy: LegacyInfo @deprecated(reason: "gone soon")', '')
      .replace('type LegacyInfo { note: String }\n', '');
    const report = await schemaCompat(OLD, removed);
    expect(report.breaking).toEqual([]);
    expect(paths(report.deprecatedRemovals)).toEqual([
      'ENUM_VALUE_REMOVED Stage.LIMBO',
      'FIELD_ARGUMENT_REMOVED Query.models.legacyLimit',
      'FIELD_REMOVED Model.legacy',
      'FIELD_REMOVED Model.owner',
      'FIELD_REMOVED Query.oldSearch',
      'TYPE_REMOVED LegacyInfo',
    ]);
  });

  it('still fails on removing a type a live field returns', async () => {
    const withLive = OLD.replace('id: ID! name: String!', 'id: ID! name: String! info: LegacyInfo');
    const report = await schemaCompat(withLive, withLive.replace(' info: LegacyInfo', '')
      .replace(' legacy: LegacyInfo @deprecated(reason: "gone soon")', '').replace('type LegacyInfo { note: String }\n', ''));
    expect(paths(report.breaking)).toEqual(['FIELD_REMOVED Model.info', 'TYPE_REMOVED LegacyInfo']);
    expect(paths(report.deprecatedRemovals)).toEqual(['FIELD_REMOVED Model.legacy']);
  });
});

describe('node dist/scripts/check-schema-compat.js', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'schema-compat-'));
    writeFileSync(join(dir, 'old.graphql'), OLD);
    writeFileSync(join(dir, 'breaking.graphql'), OLD.replace(' stage: Stage!', ''));
    writeFileSync(join(dir, 'deprecated.graphql'), OLD.replace(' owner: String @deprecated(reason: "see policy")', ''));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const check = (...args: string[]) => run(process.execPath, [join(ROOT, 'dist/scripts/check-schema-compat.js'), ...args]);

  it('exits 1 naming the breaking change, 0 when only deprecated things went', async () => {
    const bad = await check('--old', join(dir, 'old.graphql'), '--new', join(dir, 'breaking.graphql'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('FIELD_REMOVED Model.stage: ');
    const ok = await check('--old', join(dir, 'old.graphql'), '--new', join(dir, 'deprecated.graphql'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('allowed (was deprecated):\n  FIELD_REMOVED Model.owner: ');
  });

  it('compares schema/schema.graphql with a git revision (itself at HEAD: no change), 2 for an unknown revision', async () => {
    const same = await check('--base', 'HEAD', '--new', join(ROOT, 'schema/schema.graphql'));
    expect(same.code).toBe(0);
    expect((await check('--base', 'no-such-revision')).code).toBe(2);
  });
});
