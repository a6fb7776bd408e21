import { registerEnumType } from 'type-graphql';

/** Global roles, each including the ones before it: VIEWER < EDITOR < APPROVER < ADMIN. */
export enum Role {
  VIEWER = 'VIEWER',
  EDITOR = 'EDITOR',
  APPROVER = 'APPROVER',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'VIEWER reads; EDITOR also registers and edits; APPROVER also promotes, approves and deploys; ADMIN also manages policies, tokens and grants',
});

export const ROLES: readonly Role[] = [Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN];

export function rankOf(role: Role): number {
  return ROLES.indexOf(role);
}

/** Whether `held` includes `needed`. */
export function includes(held: Role, needed: Role): boolean {
  return rankOf(held) >= rankOf(needed);
}

export function higher(a: Role, b: Role | null | undefined): Role {
  return b != null && rankOf(b) > rankOf(a) ? b : a;
}

/** A role name in any letter case, or null. */
export function parseRole(value: unknown): Role | null {
  if (typeof value !== 'string') return null;
  const upper = value.trim().toUpperCase();
  return (ROLES as readonly string[]).includes(upper) ? (upper as Role) : null;
}
