import { Anchor, Text, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';

/** Which second factor the user types: a code from the authenticator app or a one-time recovery code. */
export type SecondFactorKind = 'totp' | 'recovery';

/**
 * Whether `code` can be a code of `kind`, by the contract's patterns (six digits; `abcde-12345` once trimmed and
 * lowercased, as the login sends it): null when it can, otherwise what to type instead.
 */
export function secondFactorCodeRule(kind: SecondFactorKind, code: string): string | null {
  if (kind === 'totp') return /^[0-9]{6}$/.test(code.trim()) ? null : 'Enter the 6 digits your app shows';
  return /^[a-z0-9]{5}-[a-z0-9]{5}$/.test(code.trim().toLowerCase()) ? null : 'Enter a recovery code like abcde-12345';
}

/** Props of `SecondFactorFields`. */
export interface SecondFactorFieldsProps {
  kind: SecondFactorKind;
  code: string;
  /** What is wrong with the code, shown under it. */
  error?: ReactNode;
  onCodeChange: (code: string) => void;
  onKindChange: (kind: SecondFactorKind) => void;
}

/** Step two of sign-in: one code field, and a switch between authenticator code and recovery code. */
export function SecondFactorFields({ kind, code, error, onCodeChange, onKindChange }: SecondFactorFieldsProps) {
  return kind === 'totp' ? (
    <>
      <TextInput
        label="Authentication code"
        description="The 6-digit code from your authenticator app."
        value={code}
        onChange={(event) => onCodeChange(event.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        required
        error={error}
        data-autofocus
        autoFocus
        data-testid="login-totp"
      />
      <Text size="sm">
        Lost your device?{' '}
        <Anchor component="button" type="button" onClick={() => onKindChange('recovery')} data-testid="use-recovery-code">
          Use a recovery code
        </Anchor>
      </Text>
    </>
  ) : (
    <>
      <TextInput
        label="Recovery code"
        description="One of the codes you saved when you set up two-step verification, like abcde-12345. Each works once."
        value={code}
        onChange={(event) => onCodeChange(event.currentTarget.value)}
        autoComplete="off"
        spellCheck={false}
        required
        error={error}
        autoFocus
        data-testid="login-recovery-code"
      />
      <Text size="sm">
        <Anchor component="button" type="button" onClick={() => onKindChange('totp')}>
          Use the authenticator app instead
        </Anchor>
      </Text>
    </>
  );
}
