/** Thrown for any configuration problem; the message names the problem and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
