import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { Role } from '../../src/auth/role';
import { buildRegistrySchema } from '../../src/schema';
import { declaredRole } from '../support/roles';

/** Federation fields built by @apollo/subgraph: `_entities` asks the checker itself (VIEWER); `_service` (the SDL) is open. */
const FEDERATION = new Set(['_entities', '_service']);

describe('every root field declares its role', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildRegistrySchema();
  });

  it('each Query field needs at least VIEWER; only apiTokens, verifyAuditLog and webhooks need more (ADMIN)', () => {
    const fields = Object.keys(schema.getQueryType()!.getFields()).filter((f) => !FEDERATION.has(f));
    expect(fields.length).toBeGreaterThan(20);
    const roles = Object.fromEntries(fields.map((f) => [f, declaredRole('Query', f)]));
    expect(Object.entries(roles).filter(([, r]) => r === null).map(([f]) => f)).toEqual([]);
    expect(Object.entries(roles).filter(([, r]) => r !== Role.VIEWER)).toEqual([['apiTokens', Role.ADMIN], ['verifyAuditLog', Role.ADMIN], ['webhooks', Role.ADMIN]]);
  });

  it('each Mutation field declares a role (the role matrix checks which)', () => {
    const fields = Object.keys(schema.getMutationType()!.getFields());
    expect(fields.filter((f) => declaredRole('Mutation', f) === null)).toEqual([]);
  });
});
