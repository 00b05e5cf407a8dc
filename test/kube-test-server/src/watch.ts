import { ServerResponse } from 'node:http';
import { Scope, present } from './api';
import { KubeError, badRequest, tooLargeResourceVersion } from './errors';
import { groupVersion, resourceKey } from './registry';
import { ObjectFilter, matchesFilter } from './selectors';
import { Store, StoreEvent } from './store';
import { toTable } from './tables';
import { KubeObject } from './types';

export interface WatchRequest {
  scope: Scope;
  filter: ObjectFilter;
  /** Resume after this revision; unset or "0" starts with the current state as ADDED events. */
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowBookmarks: boolean;
  /** End the stream after this long; 0 or unset: never. */
  timeoutSeconds?: number;
  /** Send each object as a one-row Table (what `kubectl get --watch` asks for). */
  asTable?: boolean;
  /** The request's path and query, which `watch-lag` faults match. */
  path: string;
}

type WireEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * What a filtered watch sees of a change: an object that starts matching is ADDED and one that
 * stops matching is DELETED, as the API server reports it.
 */
function eventFor(
  request: WatchRequest,
  event: StoreEvent,
): { type: WireEventType; object: KubeObject } | undefined {
  const { scope, filter } = request;
  if (
    scope.namespace !== undefined &&
    event.object.metadata.namespace !== scope.namespace
  ) {
    return undefined;
  }
  const matchesNow = matchesFilter(filter, event.object);
  const matchedBefore =
    event.previous !== undefined && matchesFilter(filter, event.previous);
  let type: WireEventType | undefined;
  if (event.type === 'MODIFIED') {
    if (matchesNow && matchedBefore) type = 'MODIFIED';
    else if (matchesNow) type = 'ADDED';
    else if (matchedBefore) type = 'DELETED';
  } else if (matchesNow) {
    type = event.type;
  }
  return (
    type && { type, object: present(scope.type, scope.version, event.object) }
  );
}

/** The open watch streams, so they can be closed together (see `closeAll`). */
export class WatchHub {
  /** How to stop each open watch: unsubscribe, cancel its timers and end the response. */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly bookmarkIntervalMs: number,
    /** How late a watch with this path gets its events now (the `watch-lag` fault). */
    private readonly lagOf: (path: string) => number = () => 0,
  ) {}

  /**
   * Streams newline-delimited JSON events. Everything that can fail the request (a bad or
   * expired resourceVersion) is checked before the 200 header goes out.
   */
  serve(response: ServerResponse, request: WatchRequest): void {
    const { scope, filter } = request;
    const rv = request.resourceVersion;
    const fromScratch = !rv || rv === '0';
    if (!fromScratch && !/^\d+$/.test(rv)) {
      throw badRequest(`invalid resource version "${rv}"`);
    }
    const initial =
      fromScratch || request.sendInitialEvents
        ? this.store
            .list(scope.type, scope.namespace)
            .filter(object => matchesFilter(filter, object))
            .map(object => ({
              type: 'ADDED' as const,
              object: present(scope.type, scope.version, object),
            }))
        : [];
    let backlog: Array<{ type: WireEventType; object: KubeObject }> = [];
    let failure: KubeError | undefined;
    const current = Number(this.store.resourceVersion);
    if (!fromScratch && Number(rv) > current) {
      // A revision this server has not reached (the client's is from another incarnation): the
      // API server's watch cache answers with an ERROR event, the reflector then lists again.
      failure = tooLargeResourceVersion(Number(rv), current);
    } else if (!fromScratch && !request.sendInitialEvents) {
      try {
        backlog = this.store
          .eventsSince(resourceKey(scope.type), Number(rv))
          .map(event => eventFor(request, event))
          .filter(event => event !== undefined);
      } catch (error) {
        if (!(error instanceof KubeError) || error.code !== 410) {
          throw error;
        }
        failure = error;
      }
    }

    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
    });
    // Clients wait for the headers before reading events; a quiet watch must not keep them waiting.
    response.flushHeaders();
    const send = (type: WireEventType, object: unknown) =>
      response.write(`${JSON.stringify({ type, object })}\n`);
    const sendObject = (type: WireEventType, object: KubeObject) =>
      send(
        type,
        request.asTable
          ? toTable(
              scope.type.kind,
              [object],
              object.metadata.resourceVersion ?? '',
            )
          : object,
      );
    if (failure) {
      // Informers expect the expiry (410) or the too large version (504) as an ERROR event
      // carrying the Status, then a closed stream.
      send('ERROR', failure.toStatus());
      response.end();
      return;
    }

    const bookmarkNow = (annotations?: Record<string, string>) =>
      send('BOOKMARK', {
        apiVersion: groupVersion(scope.type.group, scope.version),
        kind: scope.type.kind,
        metadata: {
          resourceVersion: this.store.resourceVersion,
          ...(annotations && { annotations }),
        },
      });
    for (const event of [...initial, ...backlog]) {
      sendObject(event.type, event.object);
    }
    if (request.sendInitialEvents && request.allowBookmarks) {
      bookmarkNow({ 'k8s.io/initial-events-end': 'true' });
    }

    // What happens from now on goes out as late as a watch-lag fault says, and in order: a
    // bookmark never overtakes the events before it.
    const queue: Array<{ due: number; deliver: () => void }> = [];
    let pump: NodeJS.Timeout | undefined;
    const drain = () => {
      pump = undefined;
      while (queue.length > 0 && queue[0].due <= Date.now()) {
        queue.shift()!.deliver();
      }
      if (queue.length > 0) {
        pump = setTimeout(drain, queue[0].due - Date.now());
      }
    };
    const later = (deliver: () => void) => {
      const lag = this.lagOf(request.path);
      if (lag <= 0 && queue.length === 0) {
        deliver();
        return;
      }
      const due = Math.max(Date.now() + lag, queue.at(-1)?.due ?? 0);
      queue.push({ due, deliver });
      pump ??= setTimeout(drain, due - Date.now());
    };
    const bookmark = () => {
      const resourceVersion = this.store.resourceVersion;
      later(() =>
        send('BOOKMARK', {
          apiVersion: groupVersion(scope.type.group, scope.version),
          kind: scope.type.kind,
          metadata: { resourceVersion },
        }),
      );
    };
    const unsubscribe = this.store.subscribe(change => {
      if (change.resource === resourceKey(scope.type)) {
        const event = eventFor(request, change);
        if (event) {
          later(() => sendObject(event.type, event.object));
        }
      }
    });
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      unsubscribe();
      timers.forEach(timer => clearTimeout(timer));
      clearTimeout(pump);
      this.open.delete(stop);
      response.end();
    };
    if (request.allowBookmarks) {
      timers.push(setInterval(() => bookmark(), this.bookmarkIntervalMs));
    }
    if (request.timeoutSeconds) {
      timers.push(setTimeout(stop, request.timeoutSeconds * 1000));
    }
    this.open.add(stop);
    response.once('close', stop);
  }

  /** Ends every open watch cleanly, as when the API server drops them; returns how many. */
  closeAll(): number {
    const count = this.open.size;
    [...this.open].forEach(stop => stop());
    return count;
  }
}
