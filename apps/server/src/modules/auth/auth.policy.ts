import { PERMISSIONS, type Permission, type Role } from '@estate/contract';

const READ: Permission[] = ['self', 'users:read', 'inventory:read', 'agents:read', 'discovery:read', 'monitoring:read', 'alerting:read'];

/**
 * What each role may do. Admin: everything. Operator: read and operate (later issues add operations permissions).
 * Viewer: read. Auditor: read plus the audit log. The only place permissions are granted.
 */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  operator: new Set([
    ...READ,
    'metrics:read',
    'metrics:write',
    'inventory:write',
    'discovery:write',
    'monitoring:write',
    'alerting:write',
    'alerting:ingest',
  ]),
  viewer: new Set(READ),
  auditor: new Set([...READ, 'audit:read', 'tokens:read-all']),
};

/** A token's effective permissions: its scopes, never more than its owner's role holds today. */
export function effectivePermissions(role: Role, scopes?: readonly Permission[]): Set<Permission> {
  const granted = ROLE_PERMISSIONS[role];
  if (!scopes) return new Set(granted);
  return new Set(scopes.filter((s) => granted.has(s)));
}

/** Whether `role` may hold a token with these scopes. */
export function scopesAllowed(role: Role, scopes: readonly Permission[]): boolean {
  const granted = ROLE_PERMISSIONS[role];
  return scopes.every((s) => granted.has(s));
}
