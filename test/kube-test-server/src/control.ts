import { IncomingMessage, ServerResponse } from 'node:http';
import { Fault } from './faults';
import { readBody, sendJson } from './router';
import { isJsonObject } from './util';

export const CONTROL_PREFIX = '/__control/';

export interface PodReadinessRequest {
  namespace: string;
  /** One pod by name... */
  name?: string;
  /** ...or the pods a label selector (query syntax, e.g. `app=web,version=blue`) selects. */
  labelSelector?: string;
  ready: boolean;
}

/** The test controls, offered both in-process and over HTTP under `/__control/`. */
export interface ControlApi {
  /** Adds a fault for matching API requests (latency, an error status, a dropped connection). */
  injectFault(fault: Fault): void;
  listFaults(): Fault[];
  clearFaults(): void;
  /** Makes pods pass or fail readiness; returns the names of the pods that changed. */
  setPodReadiness(request: PodReadinessRequest): string[];
  /** API requests counted by `<verb> <path>` since the start or the last reset. */
  requestCounts(): Record<string, number>;
  resetRequestCounts(): void;
  /** Ends all open watch streams; returns how many there were. */
  closeWatches(): number;
  /** Back to the seed: objects, faults and request counts; open watches are closed. */
  reset(): void;
}

function fail(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: message });
}

async function readJson(
  request: IncomingMessage,
): Promise<Record<string, unknown>> {
  const text = await readBody(request);
  const body: unknown = text.trim() ? JSON.parse(text) : {};
  if (!isJsonObject(body)) {
    throw new Error('the body must be a JSON object');
  }
  return body;
}

/** Serves `/__control/*`; the routes mirror the methods of ControlApi. */
export async function handleControl(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  control: ControlApi,
): Promise<void> {
  const route = `${request.method} ${path.slice(CONTROL_PREFIX.length - 1)}`;
  try {
    switch (route) {
      case 'GET /faults':
        sendJson(response, 200, { faults: control.listFaults() });
        return;
      case 'POST /faults':
        control.injectFault((await readJson(request)) as unknown as Fault);
        sendJson(response, 201, { faults: control.listFaults() });
        return;
      case 'DELETE /faults':
        control.clearFaults();
        sendJson(response, 200, { faults: [] });
        return;
      case 'POST /pods/readiness': {
        const body = await readJson(request);
        if (
          typeof body.namespace !== 'string' ||
          typeof body.ready !== 'boolean'
        ) {
          fail(
            response,
            400,
            'namespace (string) and ready (boolean) are required',
          );
          return;
        }
        sendJson(response, 200, {
          pods: control.setPodReadiness(body as unknown as PodReadinessRequest),
        });
        return;
      }
      case 'GET /requests':
        sendJson(response, 200, { counts: control.requestCounts() });
        return;
      case 'DELETE /requests':
        control.resetRequestCounts();
        sendJson(response, 200, { counts: {} });
        return;
      case 'POST /watches/close':
        sendJson(response, 200, { closed: control.closeWatches() });
        return;
      case 'POST /reset':
        control.reset();
        sendJson(response, 200, { reset: true });
        return;
      default:
        fail(response, 404, `no control route ${route}`);
    }
  } catch (error) {
    fail(response, 400, (error as Error).message);
  }
}
