import { JsonObject } from './types';

/** The `details` of a Kubernetes Status: which object the failure is about. */
/** One cause of a 422 Invalid answer: which field and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
  /** Kubernetes' cause type, e.g. FieldValueRequired; FieldValueInvalid when unset. */
  reason?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ reason?: string; message: string; field?: string }>;
  retryAfterSeconds?: number;
}

/** A failure that the API reports to clients as a Kubernetes `Status` object. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'KubeError';
  }

  toStatus(): JsonObject {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details && { details: this.details }),
      code: this.code,
    };
  }
}

/** Reasons Kubernetes uses for a bare HTTP status, e.g. for an injected fault. */
const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function reasonForCode(code: number): string {
  return REASON_BY_CODE[code] ?? (code >= 500 ? 'InternalError' : 'Unknown');
}

/** What a resource is called in messages: `deployments.apps "web"`, `pods "web-1"`. */
export function qualifiedName(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

interface Target {
  group: string;
  plural: string;
  name: string;
}

export function notFound({ group, plural, name }: Target): KubeError {
  return new KubeError(
    404,
    'NotFound',
    `${qualifiedName(group, plural)} "${name}" not found`,
    { name, group, kind: plural },
  );
}

export function alreadyExists({ group, plural, name }: Target): KubeError {
  return new KubeError(
    409,
    'AlreadyExists',
    `${qualifiedName(group, plural)} "${name}" already exists`,
    { name, group, kind: plural },
  );
}

export function conflict({ group, plural, name }: Target): KubeError {
  return new KubeError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(
      group,
      plural,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural },
  );
}

export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: FieldError[],
): KubeError {
  // Several errors are listed in brackets, as Kubernetes formats an aggregate.
  const joined = causes.map(c => `${c.field}: ${c.message}`).join(', ');
  const summary = causes.length > 1 ? `[${joined}]` : joined;
  return new KubeError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`,
    {
      name,
      group,
      kind,
      causes: causes.map(c => ({
        reason: c.reason ?? 'FieldValueInvalid',
        message: c.message,
        field: c.field,
      })),
    },
  );
}

export function badRequest(message: string): KubeError {
  return new KubeError(400, 'BadRequest', message);
}

export function expired(message: string): KubeError {
  return new KubeError(410, 'Expired', message);
}

export function unsupportedMediaType(accepted: string[]): KubeError {
  return new KubeError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(
      ', ',
    )}`,
  );
}

/**
 * What the API server answers when asked for a resourceVersion it has not reached (e.g. one
 * a client kept from before the cluster was replaced): a Timeout with a ResourceVersionTooLarge
 * cause, which client-go's reflector recognises and answers by listing again.
 */
export function tooLargeResourceVersion(
  requested: number,
  current: number,
): KubeError {
  return new KubeError(
    504,
    'Timeout',
    `Timeout: Too large resource version: ${requested}, current: ${current}`,
    {
      causes: [
        {
          reason: 'ResourceVersionTooLarge',
          message: 'Too large resource version',
        },
      ],
      retryAfterSeconds: 1,
    },
  );
}
