import { ClusterError } from '@bluegreen-istio/plugin-bluegreen-common';

/** A failure to read from one cluster, in the shape the state API reports it. */
export class ClusterReadError extends Error {
  constructor(
    message: string,
    readonly reason: NonNullable<ClusterError['reason']>,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ClusterReadError';
  }

  toClusterError(): ClusterError {
    return { message: this.message, reason: this.reason, status: this.status };
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
]);

function errorCode(e: any): string | undefined {
  return e?.code ?? e?.cause?.code ?? e?.errno;
}

/** Turns whatever the client threw into a message that says which cluster failed and how. */
export function classifyClusterError(
  e: unknown,
  cluster?: string,
): ClusterReadError {
  if (e instanceof ClusterReadError) {
    return e;
  }
  const where = cluster ? `cluster '${cluster}'` : 'cluster';
  const err = e as any;
  const status: number | undefined =
    typeof err?.code === 'number' ? err.code : err?.statusCode;
  if (status === 401) {
    return new ClusterReadError(
      `${where} refused the backend's credentials (401 Unauthorized): check the cluster's authProvider and its credentials (serviceAccountToken, or the aws, azure or google identity the backend runs as) in kubernetes.clusterLocatorMethods`,
      'unauthorized',
      401,
    );
  }
  if (status === 403) {
    return new ClusterReadError(
      `${where} forbids reading Istio objects, Services, Deployments or pods (403 Forbidden): grant the backend's identity list and watch on them`,
      'forbidden',
      403,
    );
  }
  if (typeof status === 'number') {
    const detail = err?.body?.message ?? err?.message ?? '';
    return new ClusterReadError(
      `${where} answered ${status}${
        detail ? `: ${String(detail).slice(0, 300)}` : ''
      }`,
      'unknown',
      status,
    );
  }
  const code = errorCode(err);
  if (code && UNREACHABLE_CODES.has(String(code))) {
    return new ClusterReadError(
      `${where} is unreachable (${code}): check its url in kubernetes.clusterLocatorMethods and the network path to it`,
      'unreachable',
    );
  }
  return new ClusterReadError(
    `${where} could not be read: ${err?.message ?? String(e)}`,
    'unknown',
  );
}
