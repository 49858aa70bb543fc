import { ExitCode } from './exit-codes';

/** Prints an error as one line on stderr and exits with the code that matches its kind. Never prints a stack. */
export function fail(err: unknown): never {
  const e = err as Error & { status?: number; code?: string };
  process.stderr.write(`estate: ${e.message ?? String(err)}\n`);
  if (e.name === 'ConfigError') process.exit(ExitCode.config);
  if (e.name === 'HttpProblem' || e.status !== undefined)
    process.exit(e.status === 409 || e.status === 404 ? ExitCode.refused : ExitCode.failure);
  if (e.code === 'ESTATE_REFUSED') process.exit(ExitCode.refused);
  if (e.code === 'ESTATE_VERIFICATION') process.exit(ExitCode.verification);
  process.exit(ExitCode.failure);
}

/** Reads all of standard input as text (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
