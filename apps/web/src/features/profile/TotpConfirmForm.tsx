import type { TotpEnrolment } from '@estate/contract';
import { Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { CopyableSecret } from '../../components/CopyableSecret';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';

/** Props of `TotpConfirmForm`. */
export interface TotpConfirmFormProps {
  enrolment: TotpEnrolment;
  pending: boolean;
  error: unknown;
  onConfirm: (code: string) => void;
  onCancel: () => void;
}

/** Shows the new TOTP secret as a QR code and as text, and asks for the first code to confirm it. */
export function TotpConfirmForm({ enrolment, pending, error, onConfirm, onCancel }: TotpConfirmFormProps) {
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (code) => (/^\d{6}$/.test(code) ? null : 'Enter the 6 digits the app shows') },
  });
  useServerFieldErrors(form, error);
  const { code } = form.getValues();
  // An <img> from a data: URL renders the server's SVG without ever inserting its markup into the page.
  const qrSource = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`;

  const submit = form.onSubmit((values) => onConfirm(values.code));

  return (
    <form onSubmit={submit} noValidate data-testid="mfa-confirm-form">
      <Stack gap="sm">
        <Text size="sm">1. Scan this QR code with your authenticator app.</Text>
        <Paper p="xs" bg="white" w="fit-content" withBorder>
          <img src={qrSource} alt="QR code of your new authenticator secret" width={184} height={184} data-testid="mfa-qr" />
        </Paper>
        <Text size="sm">Or enter this secret by hand:</Text>
        <CopyableSecret value={enrolment.secret} label="Authenticator secret" testId="mfa-secret" />
        <TextInput
          label="2. Enter the 6-digit code the app shows"
          {...form.getInputProps('code')}
          onChange={(event) => form.setFieldValue('code', event.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          required
          w={{ base: '100%', xs: 260 }}
          data-testid="mfa-code"
        />
        <ProblemAlert error={error} shownFields={['code']} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} disabled={code.length !== 6} data-testid="mfa-confirm">
            Turn on
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
