import { IncomingMessage, ServerResponse } from 'node:http';
import { KubeApi, PatchType, Scope, Subresource, parseRevision } from './api';
import { Discovery, versionInfo } from './discovery';
import { KubeError, badRequest, unsupportedMediaType } from './errors';
import { OpenApi } from './openapi';
import { ResourceRegistry, ResourceType, Verb } from './registry';
import { FIELD_VALIDATIONS, FieldValidation } from './schema';
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

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * The patch media types a kind accepts, as the API server lists them in its 415 answer: custom
 * resources (Istio's) have no strategic merge, since CRDs declare no merge keys.
 */
function acceptedPatchTypes(type: ResourceType): string[] {
  return type.group === 'networking.istio.io'
    ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];
}

function patchType(type: ResourceType, media: string): PatchType {
  if (!acceptedPatchTypes(type).includes(media)) {
    throw unsupportedMediaType(acceptedPatchTypes(type));
  }
  if (media === APPLY_PATCH) {
    // Honest rather than wrong: applying without field ownership would silently differ from a
    // real server's merge, so server-side apply is refused.
    throw new KubeError(
      415,
      'UnsupportedMediaType',
      `server-side apply (${APPLY_PATCH}) is not supported by the kube-test-server; use client-side kubectl apply, or a merge or JSON patch`,
    );
  }
  if (media === STRATEGIC_MERGE_PATCH) return 'strategic';
  return media === MERGE_PATCH ? 'merge' : 'json';
}

/** `fieldValidation`: Strict, Warn or Ignore; absent means Warn, the API server's default. */
function fieldValidation(query: URLSearchParams): FieldValidation | undefined {
  const value = query.get('fieldValidation');
  if (value === null || value === '') {
    return undefined;
  }
  if (!FIELD_VALIDATIONS.includes(value as FieldValidation)) {
    throw badRequest(
      `fieldValidation parameter unsupported: ${value}. Supported parameters include: Ignore, Warn, and Strict`,
    );
  }
  return value as FieldValidation;
}

/** `gracePeriodSeconds` from the query or the DeleteOptions body. */
function gracePeriod(
  query: URLSearchParams,
  body: JsonObject,
): number | undefined {
  const value = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  if (value === null || value === undefined) {
    return undefined;
  }
  const seconds = Number(value);
  if (!Number.isInteger(seconds)) {
    throw badRequest(`invalid gracePeriodSeconds "${String(value)}"`);
  }
  return Math.max(0, seconds);
}

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

/** A warning as the API server sends it: `299 - "<text>"` (RFC 7234 warn-code 299). */
function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  warnings: string[] = [],
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...(warnings.length > 0 && { Warning: warnings.map(warningHeader) }),
  });
  response.end(text);
}

/** Serves discovery and the resource verbs on top of the API, the watch hub and discovery. */
export class ApiRouter {
  private readonly discovery: Discovery;
  private readonly openApi: OpenApi;

  /**
   * @param resourceVersionWaitMs how long a list or watch from a resourceVersion the server has
   * not reached waits for it before the "Too large resource version" answer
   */
  constructor(
    private readonly api: KubeApi,
    private readonly watches: WatchHub,
    registry: ResourceRegistry,
    private readonly resourceVersionWaitMs: number,
  ) {
    this.discovery = new Discovery(registry);
    this.openApi = new OpenApi(registry);
  }

  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    route: Route,
    /** JSON Patches of mutating webhooks for a write (see the `mutate` fault). */
    mutations: unknown[][] = [],
  ): Promise<void> {
    if (route.kind === 'nonResource') {
      this.serveNonResource(request, response, route.path);
      return;
    }
    const { scope, name, subresource } = route;
    const query = url.searchParams;
    const dryRun = isDryRun(query.getAll('dryRun'));
    const asTable = wantsTable(request.headers.accept);
    const warnings: string[] = [];
    const writeOptions = {
      dryRun,
      subresource,
      fieldValidation: fieldValidation(query),
      warnings,
      mutations,
    };
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
        await this.waitForResourceVersion(query);
        const list = this.api.list(scope, {
          filter: parseFilter(
            query.get('labelSelector'),
            query.get('fieldSelector'),
          ),
          limit: Number.isInteger(limit) && limit > 0 ? limit : undefined,
          continueToken: query.get('continue') || undefined,
          resourceVersion: query.get('resourceVersion') ?? undefined,
          resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
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
        await this.waitForResourceVersion(query);
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
          path: `${url.pathname}${url.search}`,
        });
        return;
      }
      case 'create': {
        const created = this.api.create(
          scope,
          await this.readObject(request),
          writeOptions,
        );
        sendJson(response, 201, created, warnings);
        return;
      }
      case 'update': {
        const updated = this.api.update(
          scope,
          name!,
          await this.readObject(request),
          writeOptions,
        );
        sendJson(response, 200, updated, warnings);
        return;
      }
      case 'patch': {
        const type = patchType(scope.type, mediaType(request));
        const patch = parseJson(await readBody(request));
        const patched = this.api.patch(scope, name!, type, patch, writeOptions);
        sendJson(response, 200, patched, warnings);
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
            gracePeriodSeconds: gracePeriod(query, body),
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

  /** A list or watch from a revision not reached yet waits briefly, as the API server does. */
  private async waitForResourceVersion(query: URLSearchParams): Promise<void> {
    const rv = query.get('resourceVersion');
    if (rv && rv !== '0') {
      await this.api.store.waitForRevision(
        parseRevision(rv),
        this.resourceVersionWaitMs,
      );
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
