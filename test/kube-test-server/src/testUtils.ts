import { KubeTestServer } from './server';

/** Shared by the HTTP-level tests: plain fetch, so the tests see exactly what goes on the wire. */
export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export async function call(
  server: KubeTestServer,
  method: string,
  path: string,
  options: {
    body?: unknown;
    contentType?: string;
    token?: string | null;
    accept?: string;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? server.token : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined)
    headers['content-type'] = options.contentType ?? 'application/json';
  if (options.accept) headers.accept = options.accept;
  const body =
    typeof options.body === 'string'
      ? options.body
      : JSON.stringify(options.body);
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (e.g. /healthz): keep the text.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A watch stream read line by line into `events`. */
export class WatchStream {
  readonly events: any[] = [];
  ended = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];

  static async open(
    server: KubeTestServer,
    path: string,
  ): Promise<WatchStream> {
    const stream = new WatchStream();
    const response = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${server.token}` },
      signal: stream.abort.signal,
    });
    if (response.status !== 200) {
      throw new Error(
        `watch answered ${response.status}: ${await response.text()}`,
      );
    }
    stream.pump(response.body!.getReader());
    return stream;
  }

  /** Resolves once `count` events arrived (or the stream ended), failing after a timeout. */
  async waitFor(count: number, timeoutMs = 3000): Promise<any[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count && !this.ended) {
      if (Date.now() > deadline) {
        throw new Error(
          `expected ${count} watch events, got ${JSON.stringify(
            this.events.map(e => e.type),
          )}`,
        );
      }
      await new Promise<void>(resolve => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.events;
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(
    reader: ReadableStreamDefaultReader<Uint8Array>,
  ): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        this.events.push(
          ...lines.filter(Boolean).map(line => JSON.parse(line)),
        );
        this.notify();
      }
    } catch {
      // Aborted by close().
    }
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(resolve => resolve());
  }
}
