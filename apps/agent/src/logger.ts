/** Where the agent writes what it does. The server passes its own logger when it runs an agent in-process. */
export interface AgentLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes one line per message on stderr (journald adds the time and unit), prefixed with the level. */
export const stderrLogger: AgentLogger = {
  info: (message) => process.stderr.write(`estate-agent: ${message}\n`),
  warn: (message) => process.stderr.write(`estate-agent: warning: ${message}\n`),
  error: (message) => process.stderr.write(`estate-agent: error: ${message}\n`),
};

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger: AgentLogger = { info() {}, warn() {}, error() {} };
