import type { Command } from 'commander';

/** The options every command that talks to a running server over the API takes. */
export interface ApiConnectionOptions {
  server: string;
  token?: string;
  tokenStdin?: boolean;
}

/** The server the API commands reach when `--server` is not given. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8420';

/**
 * Adds `--server URL` and `--token T` (or `--token-stdin`) to an API command. They are options rather than
 * `ESTATE_*` variables because the server refuses to start with an `ESTATE_*` variable it does not know, and the
 * same shell often runs both. Only commander is loaded here, so `estate --help` stays quick; `connect` in
 * `api-client.ts` builds the client.
 */
export function withApiConnection(command: Command): Command {
  return command
    .option('--server <url>', 'URL of the Estate server', DEFAULT_SERVER_URL)
    .option('--token <token>', 'API token (estate token create …), sent as a bearer token')
    .option('--token-stdin', 'read the API token from standard input instead');
}
