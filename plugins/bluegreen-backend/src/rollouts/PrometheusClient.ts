import { QueryAnswer } from './gates';

/**
 * Queries against Prometheus' HTTP API (`POST /api/v1/query` and `/api/v1/query_range`,
 * form-encoded). Never throws: an unreachable server, a timeout, an HTTP error or
 * `status: error` is an answer with `ok: false` and the reason, which the gates treat as missing
 * data and the rollout charts show beside them.
 */
export class PrometheusClient {
  /** Instant queries sent since the process started (the gates'), for the benchmark and the logs. */
  queries = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async query(promql: string, at: Date): Promise<QueryAnswer> {
    this.queries += 1;
    // An instant vector of a sum is a few hundred bytes: compressing it costs both sides more
    // than sending it, and a tick sends hundreds.
    return this.post(
      'query',
      { query: promql, time: unixSeconds(at) },
      { 'accept-encoding': 'identity' },
    );
  }

  /** A matrix of the expression evaluated every `stepSeconds` from `start` to `end`. */
  async queryRange(
    promql: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<QueryAnswer> {
    return this.post('query_range', {
      query: promql,
      start: unixSeconds(range.start),
      end: unixSeconds(range.end),
      step: `${range.stepSeconds}s`,
    });
  }

  private async post(
    endpoint: 'query' | 'query_range',
    params: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<QueryAnswer> {
    const body = new URLSearchParams({
      ...params,
      // Prometheus stops evaluating by itself too, instead of working on for an answer no one reads.
      timeout: `${Math.max(1, Math.floor(this.timeoutMs / 1000))}s`,
    });
    const url = `${this.baseUrl.replace(/\/+$/, '')}/api/v1/${endpoint}`;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
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

function unixSeconds(at: Date): string {
  return (at.getTime() / 1000).toFixed(3);
}
