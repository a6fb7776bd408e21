import { getMetadataStorage } from 'type-graphql';
import type { Role } from '../../src/auth/role';

/** The role a root field declares with `@Authorized(Role.X)`, read from type-graphql's metadata; null if none. */
export function declaredRole(kind: 'Query' | 'Mutation', field: string): Role | null {
  const storage = getMetadataStorage();
  const resolvers = (kind === 'Query' ? storage.queries : storage.mutations).filter((r) => r.schemaName === field);
  const roles = resolvers.flatMap((r) => storage.authorizedFields
    .filter((a) => a.fieldName === r.methodName && (a.target === r.target || r.target.prototype instanceof a.target || a.target.prototype instanceof r.target))
    .map((a) => a.roles as Role[]));
  if (!roles.length || roles.some((r) => r.length !== 1)) return null;
  const distinct = [...new Set(roles.map((r) => r[0]))];
  return distinct.length === 1 ? distinct[0] : null;
}
