import type { AgentCheckExecutor, AgentCheckStatus } from './agent-check';
import { parseNagiosOutput, perfdataSeries } from './nagios-output';
import { runCommand } from './run-command';

/** Nagios exit codes as run statuses: WARNING is a passing run over a warning threshold, so degraded. */
const EXIT_STATUS: Record<number, AgentCheckStatus> = { 0: 'up', 1: 'degraded', 2: 'down', 3: 'unknown' };
const EXIT_NAMES: Record<number, string> = { 0: 'OK', 1: 'WARNING', 2: 'CRITICAL', 3: 'UNKNOWN' };

/**
 * Runs a Nagios-compatible plugin the host's configuration allows (never through a shell, output capped at 64 KiB)
 * and reads its exit code (0 up, 1 degraded, 2 down, 3 or anything else unknown), its text and its performance data,
 * which become series. A plugin the host does not allow is not run: the outcome is unknown and says so.
 */
export const nagiosCheck: AgentCheckExecutor<'nagios'> = async (config, { signal, plugins }) => {
  const resolved = plugins.resolve(config.plugin, config.args ?? []);
  if (!resolved.ok) return { status: 'unknown', message: resolved.reason, details: { plugin: config.plugin, refused: true } };
  let ran: Awaited<ReturnType<typeof runCommand>>;
  try {
    ran = await runCommand(resolved.command, resolved.argv, { signal });
  } catch (err) {
    return {
      status: 'unknown',
      message: `The plugin "${config.plugin}" (${resolved.command}) could not be started: ${(err as Error).message}`,
      details: { plugin: config.plugin },
    };
  }
  const output = parseNagiosOutput(ran.stdout);
  const details: Record<string, unknown> = {
    plugin: config.plugin,
    exitCode: ran.exitCode,
    ...(output.longText.length > 0 ? { longText: output.longText.slice(0, 100).join('\n').slice(0, 8_000) } : {}),
    ...(output.perfdata.length > 0
      ? {
          perfdata: output.perfdata.map((d) => ({
            label: d.label,
            value: d.value,
            uom: d.uom,
            ...(d.warn ? { warn: d.warn.raw } : {}),
            ...(d.crit ? { crit: d.crit.raw } : {}),
            ...(d.min !== undefined ? { min: d.min } : {}),
            ...(d.max !== undefined ? { max: d.max } : {}),
          })),
        }
      : {}),
    ...(output.problems.length > 0 ? { perfdataProblems: output.problems.slice(0, 20) } : {}),
    ...(ran.stderr.trim() ? { stderr: ran.stderr.trim().slice(0, 2_000) } : {}),
  };
  const series = perfdataSeries(output.perfdata);
  if (ran.aborted) return { status: 'unknown', message: `The plugin "${config.plugin}" was stopped before it finished.`, details };
  if (ran.truncated)
    return { status: 'unknown', message: `The plugin "${config.plugin}" printed more than 64 KiB and was stopped.`, details };
  if (ran.exitCode === null)
    return { status: 'unknown', message: `The plugin "${config.plugin}" was killed by ${ran.signal ?? 'a signal'}.`, details };
  const status = EXIT_STATUS[ran.exitCode];
  const text = output.text || ran.stderr.trim().split('\n', 1)[0] || '(no output)';
  if (status === undefined)
    return {
      status: 'unknown',
      message: `The plugin "${config.plugin}" exited with ${ran.exitCode}, not a Nagios status (0–3): ${text}`.slice(0, 2_000),
      details,
    };
  return {
    status,
    message: (output.text ? text : `${EXIT_NAMES[ran.exitCode]} (the plugin printed no status text)`).slice(0, 2_000),
    details,
    ...(series.length > 0 ? { series } : {}),
  };
};
