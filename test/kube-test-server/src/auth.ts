import { IncomingMessage } from 'node:http';
import { KubeError, qualifiedName } from './errors';
import { Route } from './router';

export type Access = 'readWrite' | 'readOnly';

/** Paths a real cluster serves to anonymous clients too, e.g. for health checks. */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** Bearer-token authentication and the one authorization rule: read-only tokens cannot write. */
export class TokenAuth {
  constructor(
    private readonly tokens: string[],
    private readonly readOnlyTokens: string[],
  ) {}

  /** Throws 401 Unauthorized unless the request carries a known token or needs none. */
  authenticate(request: IncomingMessage, path: string): Access | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1];
    if (token && this.tokens.includes(token)) {
      return 'readWrite';
    }
    if (token && this.readOnlyTokens.includes(token)) {
      return 'readOnly';
    }
    if (PUBLIC_PATHS.has(path)) {
      return undefined;
    }
    throw new KubeError(401, 'Unauthorized', 'Unauthorized');
  }

  /** Throws 403 Forbidden, worded as RBAC words it, when read-only access attempts a write. */
  authorize(access: Access | undefined, route: Route): void {
    if (
      access !== 'readOnly' ||
      READ_VERBS.has(route.verb) ||
      route.kind !== 'resource'
    ) {
      return;
    }
    const { type, namespace } = route.scope;
    const resource = route.subresource
      ? `${type.plural}/${route.subresource}`
      : type.plural;
    const target = route.name
      ? `${qualifiedName(type.group, type.plural)} "${route.name}"`
      : qualifiedName(type.group, type.plural);
    throw new KubeError(
      403,
      'Forbidden',
      `${target} is forbidden: User "system:serviceaccount:kube-test-server:read-only" cannot ${
        route.verb
      } resource "${resource}" in API group "${type.group}"${
        namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'
      }`,
      { name: route.name, group: type.group, kind: type.plural },
    );
  }
}
