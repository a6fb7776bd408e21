import type { GraphQLSchema } from 'graphql';
import { includes, Role } from '../../src/auth/role';
import { buildRegistrySchema } from '../../src/schema';
import { TestApp, type TestToken } from '../support/app';
import { Fixtures, MUTATION_CATALOGUE, type CatalogueEntry } from '../support/mutation-catalogue';
import { declaredRole } from '../support/roles';

/** The principals of the matrix: each global role, and an EDITOR holding an APPROVER grant on the fixtures' model. */
const PRINCIPALS = ['VIEWER', 'EDITOR', 'EDITOR+grant', 'APPROVER', 'ADMIN'] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

/** Writes a refused call must not make (reading credentials may touch api_token.last_used_at, once a minute). */
const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;
const CREDENTIAL_TOUCH = /^\s*UPDATE\s+[`"]?api_token[`"]?\s+SET\s+[`"]?last_used_at/i;

function allowed(entry: CatalogueEntry, who: PrincipalName): boolean {
  if (who === 'EDITOR+grant') return includes(Role.EDITOR, entry.minRole as Role) || (entry.modelScoped && includes(Role.APPROVER, entry.minRole as Role));
  return includes(who as Role, entry.minRole as Role);
}

describe('role matrix: every mutation × every role', () => {
  let t: TestApp;
  let fx: Fixtures;
  let schema: GraphQLSchema;
  const tokens = {} as Record<PrincipalName, TestToken>;
  beforeAll(async () => {
    schema = await buildRegistrySchema();
    t = await TestApp.start({}, { auth: { adminToken: 'role-matrix-admin-token' } });
    fx = await new Fixtures(t, t.admin).init();
    for (const who of PRINCIPALS) tokens[who] = await t.mint(who === 'EDITOR+grant' ? 'EDITOR' : who, who);
    await t.ok('mutation($m: ID!, $s: String!) { grantModelRole(modelId: $m, subject: $s, role: APPROVER) { role } }',
      { m: fx.model.id, s: tokens['EDITOR+grant'].subject }, t.admin);
    // Each token's first use writes last_used_at; do it here, outside the cells.
    for (const who of PRINCIPALS) await t.ok('{ viewer { role } }', {}, tokens[who].headers);
  });
  afterAll(() => t.stop());

  it('the catalogue names exactly the schema\'s mutations, each with the role the schema declares', () => {
    const fields = Object.keys(schema.getMutationType()!.getFields()).sort();
    expect(Object.keys(MUTATION_CATALOGUE).sort()).toEqual(fields);
    const mismatched = fields.filter((f) => declaredRole('Mutation', f) !== MUTATION_CATALOGUE[f].minRole);
    expect(mismatched).toEqual([]);
  });

  describe.each(Object.entries(MUTATION_CATALOGUE))('%s', (name, entry) => {
    it(`needs ${entry.minRole}${entry.modelScoped ? ' (or a grant on the model)' : ''}: allowed, or FORBIDDEN with nothing written`, async () => {
      const outcomes: string[] = [];
      let invocation: Awaited<ReturnType<CatalogueEntry['prepare']>> | null = null;
      for (const who of PRINCIPALS) {
        invocation ??= await entry.prepare(fx);
        const { result, statements } = await t.statements(invocation.query, invocation.variables, tokens[who].headers);
        if (allowed(entry, who)) {
          expect({ who, errors: result.errors }).toEqual({ who, errors: undefined });
          expect(result.data?.[name]).toBeDefined();
          invocation = null;
          outcomes.push(`${who}:allowed`);
        } else {
          expect({ who, codes: result.errors?.map((e) => e.extensions?.code) }).toEqual({ who, codes: ['FORBIDDEN'] });
          expect(result.errors![0].message).toContain(`needs the ${entry.minRole} role`);
          expect(statements.filter((s) => WRITE.test(s) && !CREDENTIAL_TOUCH.test(s))).toEqual([]);
          outcomes.push(`${who}:forbidden`);
        }
      }
      expect(outcomes).toHaveLength(PRINCIPALS.length);
    });
  });
});
