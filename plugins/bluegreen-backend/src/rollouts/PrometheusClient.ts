import { QueryAnswer } from './gates';

/**
 * Instant queries against Prometheus' HTTP API (`POST /api/v1/query`, form-encoded). Never
 * throws: an unreachable server, a timeout, an HTTP error or `status: error` is an answer with
 * `ok: false` and the reason, which the gates treat as missing data.
 */
export class PrometheusClient {
  /** Queries sent since the process started, for the benchmark and the logs. */
  queries = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async query(promql: string, at: Date): Promise<QueryAnswer> {
    this.queries += 1;
    const body = new URLSearchParams({
      query: promql,
      time: (at.getTime() / 1000).toFixed(3),
      // Prometheus stops evaluating by itself too, instead of working on for an answer no one reads.
      timeout: `${Math.max(1, Math.floor(this.timeoutMs / 1000))}s`,
    });
    const url = `${this.baseUrl.replace(/\/+$/, '')}/api/v1/query`;
    try {
      const res = await fetch(url, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        return {
          ok: false,
          message: `Prometheus at ${this.baseUrl} answered HTTP ${
            res.status
          } that is not JSON: ${text.slice(0, 200)}`,
        };
      }
      if (json?.status !== 'success') {
        return {
          ok: false,
          message: `Prometheus at ${this.baseUrl} answered HTTP ${
            res.status
          }: ${json?.errorType ?? 'error'}: ${
            json?.error ?? text.slice(0, 200)
          }`,
        };
      }
      return {
        ok: true,
        resultType: String(json.data?.resultType),
        result: json.data?.result,
      };
    } catch (e) {
      const error = e as Error;
      return {
        ok: false,
        message:
          error.name === 'TimeoutError'
            ? `Prometheus at ${this.baseUrl} did not answer within ${this.timeoutMs} ms`
            : `Prometheus at ${this.baseUrl} could not be reached: ${
                (error.cause as Error | undefined)?.message ?? error.message
              }`,
      };
    }
  }
}
