import type { CreatedEnrollmentToken } from '@estate/contract';
import { Alert, Loader, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { CopyableSecret } from '../../components/CopyableSecret';
import { AGENT_INSTALL_PATHS, enrollCommand, installCommand } from './install-command';

/** Props of `InstallAgentInstructions`. */
export interface InstallAgentInstructionsProps {
  created: CreatedEnrollmentToken;
}

/** True for an address only this machine can reach (localhost, 127.0.0.0/8, ::1). */
function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '[::1]';
}

/**
 * How to get the agent onto a host and enroll it: the install-and-enroll command (download from this server,
 * checksum verified against the SHA-256 it embeds, installed with its systemd unit), and the enroll command alone
 * for a host that already has `estate-agent`. Without a bundle to offer, says so and shows the enroll command.
 */
export function InstallAgentInstructions({ created }: InstallAgentInstructionsProps) {
  const api = useApi();
  const download = useQuery({ queryKey: ['agent-download'], queryFn: () => api.getAgentDownload(), retry: false });
  // The configured public address when there is one, else the address this page was opened at.
  const origin = download.data?.serverUrl ?? window.location.origin;
  const loopbackWarning = isLoopback(origin) && (
    <Alert color="orange" title="This address works only on this machine" data-testid="agent-install-loopback">
      You opened Estate at {origin}, which another host cannot reach. Open this page at the server's network address (or set
      ESTATE_PUBLIC_URL), then create the token again.
    </Alert>
  );
  const enroll = <CopyableSecret value={enrollCommand(created, origin)} label="Enrollment command" testId="enrollment-command" />;
  if (download.isPending) return <Loader size="sm" />;
  if (!download.data) {
    return (
      <Stack gap="xs">
        <Alert color="orange" title="No agent download on this server" data-testid="agent-download-missing">
          This server has no agent bundle to offer (build it with <code>npm run build:agent</code>). Copy{' '}
          <code>apps/agent/dist/estate-agent.mjs</code> to the host by hand, then run, as root:
        </Alert>
        {loopbackWarning}
        {enroll}
      </Stack>
    );
  }
  return (
    <Stack gap="xs">
      {loopbackWarning}
      <Text size="sm">
        Run this on the host, as root. It needs Node.js {download.data.node} and curl; it verifies the download's SHA-256 before installing
        anything, installs the agent to <code>{AGENT_INSTALL_PATHS.bundle}</code>, enrolls it and starts its systemd unit.
      </Text>
      <CopyableSecret value={installCommand(created, download.data, origin)} label="Install and enroll command" testId="install-command" />
      <Text size="xs" c="dimmed" data-testid="agent-download-checksum">
        {download.data.file}, SHA-256 {download.data.sha256}
      </Text>
      <Text size="sm" mt="xs">
        Agent already installed? Enroll only:
      </Text>
      {enroll}
    </Stack>
  );
}
