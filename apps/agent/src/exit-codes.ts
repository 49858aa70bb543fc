/** Exit codes of `estate-agent`, the same as the `estate` CLI's. */
export const ExitCode = {
  ok: 0,
  /** Anything unexpected: the server unreachable at enrollment, a failed systemctl. */
  failure: 1,
  /** Wrong arguments or options. */
  usage: 2,
  /** Bad configuration: not enrolled, a private key readable by others, an unusable state directory or URL. */
  config: 3,
  /** Refused: the token was refused, the server key did not match, another agent runs on the state directory. */
  refused: 5,
} as const;

/** The exit code for an error thrown by the agent. */
export function exitCodeOf(err: unknown): number {
  const e = err as { name?: string; code?: string };
  if (e.name === 'ConfigError') return ExitCode.config;
  if (e.code === 'ESTATE_REFUSED') return ExitCode.refused;
  return ExitCode.failure;
}
