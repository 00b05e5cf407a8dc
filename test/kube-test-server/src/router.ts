import { IncomingMessage, ServerResponse } from 'node:http';
import { KubeApi, PatchType, Scope, Subresource } from './api';
import { Discovery, versionInfo } from './discovery';
import { KubeError, badRequest } from './errors';
import { OpenApi } from './openapi';
import { ResourceRegistry, Verb } from './registry';
import { parseFilter } from './selectors';
import { toTable, wantsTable } from './tables';
import { JsonObject } from './types';
import { isJsonObject } from './util';
import { WatchHub } from './watch';

/** A parsed request: to a resource, or to a non-resource path such as discovery. */
export type Route =
  | { kind: 'nonResource'; verb: string; path: string }
  | {
      kind: 'resource';
      verb: Verb;
      scope: Scope;
      name?: string;
      subresource?: Subresource;
    };

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const HEALTH_PATHS = ['/healthz', '/livez', '/readyz'];

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  // Strategic merge differs from a merge patch only for lists with merge keys; treating it as a
  // merge patch is enough for what the tests and the demo send.
  'application/strategic-merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
};

function notFoundPath(): KubeError {
  return new KubeError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

function methodNotAllowed(method: string, path: string): KubeError {
  return new KubeError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource: ${method} ${path}`,
    {},
  );
}

function isWatch(url: URL): boolean {
  const watch = url.searchParams.get('watch');
  return watch === 'true' || watch === '1';
}

/** Works out which resource, namespace, name and verb a request addresses. */
export function parseRoute(
  method: string,
  url: URL,
  registry: ResourceRegistry,
): Route {
  const path = url.pathname;
  const segments = path.split('/').filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    [group, version, rest] = ['', segments[1], segments.slice(2)];
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  } else {
    return { kind: 'nonResource', verb: method.toLowerCase(), path };
  }

  let namespace: string | undefined;
  const namespacedType =
    rest[0] === 'namespaces' && rest.length >= 3
      ? registry.find(group, version, rest[2])
      : undefined;
  if (namespacedType?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const type = registry.find(group, version, plural);
  if (
    !type ||
    extra.length > 0 ||
    (type.namespaced && namespace === undefined && name)
  ) {
    throw notFoundPath();
  }
  if (
    subresource !== undefined &&
    !(subresource === 'status' && type.statusSubresource) &&
    !(subresource === 'scale' && type.scaleSubresource)
  ) {
    throw notFoundPath();
  }
  const scope: Scope = { type, version, namespace };
  const route = (verb: Verb): Route => ({
    kind: 'resource',
    verb,
    scope,
    name,
    subresource: subresource as Subresource | undefined,
  });
  if (subresource && !['GET', 'PUT', 'PATCH'].includes(method)) {
    throw methodNotAllowed(method, path);
  }
  switch (method) {
    case 'GET':
      if (name) return route('get');
      return route(isWatch(url) ? 'watch' : 'list');
    case 'POST':
      if (!name && (!type.namespaced || namespace !== undefined))
        return route('create');
      break;
    case 'PUT':
      if (name) return route('update');
      break;
    case 'PATCH':
      if (name) return route('patch');
      break;
    case 'DELETE':
      if (name) return route('delete');
      break;
    default:
      break;
  }
  throw methodNotAllowed(method, path);
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new KubeError(
        413,
        'RequestEntityTooLarge',
        'the request body is too large',
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? 'application/json')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/** `dryRun=All` in the query, or (for DELETE) in the DeleteOptions body. */
function isDryRun(values: unknown[]): boolean {
  for (const value of values) {
    if (value !== 'All') {
      throw badRequest(
        `unsupported dry run value "${String(value)}": only "All" is supported`,
      );
    }
  }
  return values.length > 0;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  response.end(text);
}

/** Serves discovery and the resource verbs on top of the API, the watch hub and discovery. */
export class ApiRouter {
  private readonly discovery: Discovery;
  private readonly openApi: OpenApi;

  constructor(
    private readonly api: KubeApi,
    private readonly watches: WatchHub,
    registry: ResourceRegistry,
  ) {
    this.discovery = new Discovery(registry);
    this.openApi = new OpenApi(registry);
  }

  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    route: Route,
  ): Promise<void> {
    if (route.kind === 'nonResource') {
      this.serveNonResource(request, response, route.path);
      return;
    }
    const { scope, name, subresource } = route;
    const query = url.searchParams;
    const dryRun = isDryRun(query.getAll('dryRun'));
    const asTable = wantsTable(request.headers.accept);
    switch (route.verb) {
      case 'get': {
        const object = this.api.get(scope, name!, subresource);
        sendJson(
          response,
          200,
          asTable && !subresource
            ? toTable(
                scope.type.kind,
                [object],
                object.metadata.resourceVersion ?? '',
              )
            : object,
        );
        return;
      }
      case 'list': {
        const limit = Number(query.get('limit') ?? 0);
        const list = this.api.list(scope, {
          filter: parseFilter(
            query.get('labelSelector'),
            query.get('fieldSelector'),
          ),
          limit: Number.isInteger(limit) && limit > 0 ? limit : undefined,
          continueToken: query.get('continue') ?? undefined,
        });
        if (asTable) {
          const table = toTable(scope.type.kind, list.items, '');
          sendJson(response, 200, { ...table, metadata: list.metadata });
        } else {
          sendJson(response, 200, list);
        }
        return;
      }
      case 'watch': {
        const timeout = query.get('timeoutSeconds');
        this.watches.serve(response, {
          scope,
          filter: parseFilter(
            query.get('labelSelector'),
            query.get('fieldSelector'),
          ),
          resourceVersion: query.get('resourceVersion') ?? undefined,
          sendInitialEvents: query.get('sendInitialEvents') === 'true',
          allowBookmarks: query.get('allowWatchBookmarks') === 'true',
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          asTable,
        });
        return;
      }
      case 'create':
        sendJson(
          response,
          201,
          this.api.create(scope, await this.readObject(request), { dryRun }),
        );
        return;
      case 'update':
        sendJson(
          response,
          200,
          this.api.update(scope, name!, await this.readObject(request), {
            dryRun,
            subresource,
          }),
        );
        return;
      case 'patch': {
        const patchType = PATCH_TYPES[mediaType(request)];
        if (!patchType) {
          throw new KubeError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${Object.keys(
              PATCH_TYPES,
            ).join(', ')}`,
          );
        }
        const patch = parseJson(await readBody(request));
        sendJson(
          response,
          200,
          this.api.patch(scope, name!, patchType, patch, {
            dryRun,
            subresource,
          }),
        );
        return;
      }
      case 'delete': {
        const text = await readBody(request);
        const options = text.trim() ? parseJson(text) : {};
        const body = isJsonObject(options) ? options : {};
        const bodyDryRun = Array.isArray(body.dryRun) ? body.dryRun : [];
        sendJson(
          response,
          200,
          this.api.delete(scope, name!, {
            dryRun: dryRun || isDryRun(bodyDryRun),
            preconditions: isJsonObject(body.preconditions)
              ? (body.preconditions as {
                  resourceVersion?: string;
                  uid?: string;
                })
              : undefined,
          }),
        );
        return;
      }
      default:
        throw methodNotAllowed(request.method ?? '', url.pathname);
    }
  }

  private async readObject(request: IncomingMessage): Promise<unknown> {
    if (!mediaType(request).endsWith('json')) {
      throw new KubeError(
        415,
        'UnsupportedMediaType',
        `unsupported media type "${mediaType(request)}": send application/json`,
      );
    }
    return parseJson(await readBody(request));
  }

  private serveNonResource(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): void {
    if (HEALTH_PATHS.includes(path) && request.method === 'GET') {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok');
      return;
    }
    const body = this.nonResourceBody(request, path);
    if (!body) {
      throw notFoundPath();
    }
    if (request.method !== 'GET') {
      throw methodNotAllowed(request.method ?? '', path);
    }
    sendJson(response, 200, body);
  }

  private nonResourceBody(
    request: IncomingMessage,
    path: string,
  ): JsonObject | undefined {
    const [root, ...rest] = path.split('/').filter(Boolean);
    if (path === '/version') {
      return versionInfo();
    }
    if (path === '/openapi/v3') {
      return this.openApi.root();
    }
    if (root === 'openapi') {
      return this.openApi.documentFor(path);
    }
    if (root === 'api') {
      if (rest.length === 0) {
        const { localAddress, localPort } = request.socket;
        return this.discovery.coreVersions(`${localAddress}:${localPort}`);
      }
      return rest.length === 1
        ? this.discovery.resourceList('', rest[0])
        : undefined;
    }
    if (root === 'apis') {
      if (rest.length === 0) {
        return this.discovery.groupList();
      }
      if (rest.length === 1) {
        return this.discovery.group(rest[0]);
      }
      return rest.length === 2
        ? this.discovery.resourceList(rest[0], rest[1])
        : undefined;
    }
    return undefined;
  }
}
