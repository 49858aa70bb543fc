import type { AgentCheckExecutor } from './agent-check';
import { runCommand } from './run-command';

/** The properties `systemctl show` printed, by name. */
export function parseSystemctlShow(output: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return props;
}

/**
 * A systemd unit must be active: up when ActiveState is `active` (or `reloading`), degraded while `activating`,
 * down otherwise or when the unit does not exist; unknown when this host has no running systemd to ask.
 */
export const systemdCheck: AgentCheckExecutor<'systemd'> = async (config, { signal }) => {
  let ran: Awaited<ReturnType<typeof runCommand>>;
  try {
    ran = await runCommand('systemctl', ['show', '--property=LoadState,ActiveState,SubState,Description', '--', config.unit], { signal });
  } catch (err) {
    return {
      status: 'unknown',
      message: `systemctl cannot be run on this host: ${(err as Error).message}`,
      details: { unit: config.unit },
    };
  }
  const props = parseSystemctlShow(ran.stdout);
  if (ran.exitCode !== 0 || !props.ActiveState) {
    const why = (ran.stderr.trim() || ran.stdout.trim() || `exit code ${ran.exitCode}`).replace(/\s*\n\s*/g, '; ');
    return {
      status: 'unknown',
      message: `systemctl could not tell the state of ${config.unit}: ${why}`.slice(0, 2_000),
      details: { unit: config.unit },
    };
  }
  const details = { unit: config.unit, ...props };
  if (props.LoadState === 'not-found') return { status: 'down', message: `The unit ${config.unit} does not exist on this host.`, details };
  const state = `${props.ActiveState}${props.SubState ? ` (${props.SubState})` : ''}`;
  if (props.ActiveState === 'active' || props.ActiveState === 'reloading')
    return { status: 'up', message: `${config.unit} is ${state}`, details };
  if (props.ActiveState === 'activating') return { status: 'degraded', message: `${config.unit} is ${state}`, details };
  return { status: 'down', message: `${config.unit} is ${state}`, details };
};
