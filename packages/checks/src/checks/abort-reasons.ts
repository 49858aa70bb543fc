/*
 * The reasons a run's abort signal carries, so a check type can tell its timeout (the target was too slow: down)
 * from any other stop (the check was removed or the process is stopping: unknown). Schedulers abort with these.
 */

/** The abort reason a timed-out run's signal carries. */
export class CheckTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The check did not finish within ${timeoutMs} ms.`);
    this.name = 'TimeoutError';
  }
}

/** The abort reason of a run whose check was removed while it ran; its result is not delivered. */
export class CheckRemovedError extends Error {
  constructor() {
    super('The check was removed while it ran.');
    this.name = 'AbortError';
  }
}
