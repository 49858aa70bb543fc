import { ROLES, type Role } from '@estate/contract';

/** What each built-in role is for, in a few words, for role pickers. */
const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin: everything, including users',
  operator: 'Operator: runs and changes the estate',
  viewer: 'Viewer: reads the estate',
  auditor: 'Auditor: reads the estate and the audit log',
};

/** The options of a role picker, in the contract's order. */
export const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/** Badge colour of each role in tables. */
export const ROLE_COLORS: Record<Role, string> = { admin: 'red', operator: 'blue', viewer: 'gray', auditor: 'grape' };
