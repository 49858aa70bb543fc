import { Password } from '@estate/contract';

// The schema is a JSON Schema object at run time; TypeBox's string type does not declare its length keywords.
const { minLength = 12, maxLength = 256 } = Password as { minLength?: number; maxLength?: number };

/**
 * The length rule of a new password, read from the contract's `Password` schema so that it never differs from the
 * server's (which counts characters, not UTF-16 units, as this does). Whether a password is too common is the
 * server's to judge; its verdict lands on the field through `useServerFieldErrors`.
 */
export function newPasswordRule(password: string): string | null {
  const length = [...password].length;
  if (length < minLength) return `Use at least ${minLength} characters.`;
  if (length > maxLength) return `Use at most ${maxLength} characters.`;
  return null;
}

/** The rule of a "confirm password" field: it must repeat the password typed in `field` of the same form. */
export function confirmsRule<Values>(field: keyof Values) {
  return (confirm: string, values: Values): string | null => (confirm === values[field] ? null : 'The passwords do not match');
}

/** "Signed out of 2 sessions; 1 API token revoked." from a password change's answer. */
export function revokedSummary(sessions: number, tokens: number): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  return `Signed out of ${plural(sessions, 'session')}; ${plural(tokens, 'API token')} revoked.`;
}
