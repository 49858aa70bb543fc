/** Stable exit codes of every `estate` command, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** Anything unexpected; the message says what. */
  failure: 1,
  /** Wrong arguments or options. */
  usage: 2,
  /** Bad configuration: environment, config file, data directory, port, database URL. */
  config: 3,
  /** A check found a problem: a broken audit chain, a corrupt backup. */
  verification: 4,
  /** The operation was refused: restore into a non-empty store, a duplicate user. */
  refused: 5,
} as const;
