import { createTransport, type Transport } from '@estate/client';
import { InvalidArgumentError } from 'commander';
import { type ApiConnectionOptions, DEFAULT_SERVER_URL } from './api-connection';
import { readStdin } from './output';

/**
 * Builds the HTTP transport for the chosen server and token. Fails with an `InvalidArgumentError` (a usage error)
 * when no token was given or the URL is not http(s). Network failures of later calls are reworded by
 * `describeNetworkError`.
 */
export async function connect(options: ApiConnectionOptions): Promise<{ transport: Transport; server: string }> {
  let url: URL;
  try {
    url = new URL(options.server);
  } catch {
    throw new InvalidArgumentError(`--server "${options.server}" is not a URL, e.g. ${DEFAULT_SERVER_URL}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('--server must be an http:// or https:// URL.');
  const token = options.tokenStdin ? (await readStdin()).trim() : options.token;
  if (!token)
    throw new InvalidArgumentError('An API token is required: --token T or --token-stdin (create one with `estate token create`).');
  const server = options.server.replace(/\/+$/, '');
  return { transport: createTransport({ baseUrl: server, token }), server };
}

/**
 * Turns a failed `fetch` (refused connection, unknown host) into an error naming the server; other errors pass
 * through unchanged.
 */
export function describeNetworkError(err: unknown, server: string): unknown {
  if (err instanceof TypeError && err.message === 'fetch failed') {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    return new Error(`Cannot reach the Estate server at ${server} (${cause?.code ?? cause?.message ?? 'no answer'}).`);
  }
  return err;
}
