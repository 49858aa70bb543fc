/** A query the engine refuses or cannot answer, with Prometheus' API error type. */
export class PromqlError extends Error {
  constructor(
    message: string,
    /** Prometheus' `errorType`: bad_data for a query that is wrong or unsupported, execution for one that failed, timeout. */
    readonly errorType: 'bad_data' | 'execution' | 'timeout' = 'bad_data',
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}
