/**
 * A second host for browser tests: a network namespace that runs exactly the install-and-enroll command the enroll
 * dialog shows, in its own mount and UTS namespaces (empty /usr/local, /etc/systemd/system and /var/lib, its own host
 * name and machine id, systemctl as /bin/true since no systemd runs there), then the unit's ExecStart as systemd would.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** PATH inside the host. */
export const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The script the "host" runs: its own empty system directories, then the command from the dialog, then the unit. */
export function hostScript(dir: string, hostname: string, runUnit: boolean): string {
  const machineId = path.join(dir, `machine-id-${hostname}`);
  writeFileSync(machineId, `${randomBytes(16).toString('hex')}\n`);
  const file = path.join(dir, `host-${hostname}-${runUnit ? 'install' : 'tampered'}.sh`);
  writeFileSync(
    file,
    [
      'set -u',
      `hostname ${hostname}`,
      'mount -t tmpfs tmpfs /usr/local',
      'mount -t tmpfs tmpfs /etc/systemd/system',
      'mount -t tmpfs tmpfs /var/lib',
      `mount --bind ${machineId} /etc/machine-id`,
      'mount --bind /bin/true /usr/bin/systemctl',
      'sh -c "$ESTATE_INSTALL_COMMAND"',
      'status=$?',
      'echo "install exit status: $status"',
      'if [ -e /usr/local/lib/estate-agent/estate-agent.mjs ]; then echo "bundle: installed"; else echo "bundle: absent"; fi',
      ...(runUnit
        ? [
            '[ "$status" -eq 0 ] || exit "$status"',
            'echo "--- unit"',
            'cat /etc/systemd/system/estate-agent.service',
            'echo "--- running ExecStart"',
            `exec sh -c "$(sed -n 's/^ExecStart=//p' /etc/systemd/system/estate-agent.service)"`,
          ]
        : ['exit "$status"']),
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Polls `probe` every `everyMs` until it answers something truthy, for at most `ms`. A probe that reloads a page
 * should wait a second between tries, as a person would: each reload is several API requests against the user's
 * rate limit.
 */
export async function until<T>(probe: () => Promise<T | undefined | null | false>, ms: number, what: string, everyMs = 250): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Creates an enrollment token in the dialog and answers the install command it shows. */
export async function installCommandFromDialog(page: Page, name: string): Promise<string> {
  await page.getByTestId('nav-agents').click();
  await page.getByTestId('agents-table').waitFor();
  await page.getByTestId('create-enrollment-token').click();
  await page.getByTestId('enrollment-token-name').fill(name);
  await page.getByTestId('create-enrollment-token-submit').click();
  const command = (await page.getByTestId('install-command').textContent()) ?? '';
  return command;
}
