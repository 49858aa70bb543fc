/* Plain data with no schema library, so light consumers (the CLI's argument parsing) load it cheaply. */

/**
 * Permissions, `<resource>:<action>`. A route names exactly one; an API token's scopes are a subset of these.
 * `self` is held by every signed-in user: their own profile, password, MFA, sessions and tokens.
 */
export const PERMISSIONS = [
  'self',
  'users:read',
  'users:write',
  'tokens:read-all',
  'tokens:write-all',
  'audit:read',
  'metrics:read',
  'metrics:write',
  'inventory:read',
  'inventory:write',
  'inventory:admin',
  'agents:read',
  'agents:write',
  'discovery:read',
  'discovery:write',
  'monitoring:read',
  'monitoring:write',
  'alerting:read',
  'alerting:write',
  'alerting:ingest',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
