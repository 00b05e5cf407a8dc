import { InputError } from '@backstage/errors';
import { z as zod } from 'zod/v3';

/** The zod namespace a schema is built with: the scaffolder passes its own, tests and parsing ours. */
type Zod = typeof zod;

// RFC 1123 label: namespaces, colours (subset names, label values, name suffixes).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// RFC 1035 label: Service names must start with a letter.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
// RFC 1123 subdomain: domains, host names, Gateway names.
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_LABEL = 63;
const MAX_SUBDOMAIN = 253;

/**
 * The Istio networking API versions the manifests can be written for.
 *
 * @public
 */
export const ISTIO_API_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
/**
 * An Istio networking API version the manifests can be written for.
 *
 * @public
 */
export type IstioApiVersion = (typeof ISTIO_API_VERSIONS)[number];

/**
 * Service protocols whose traffic Istio routes with HTTP rules (host headers, sourceLabels).
 *
 * @public
 */
export const SERVICE_PROTOCOLS = ['http', 'http2', 'grpc'] as const;
/**
 * A service protocol whose traffic Istio routes with HTTP rules.
 *
 * @public
 */
export type ServiceProtocol = (typeof SERVICE_PROTOCOLS)[number];

function dnsLabel(z: Zod, what: string, pattern = DNS_LABEL) {
  const rule =
    pattern === DNS_1035_LABEL
      ? 'lowercase letters, digits and -, starting with a letter and ending with a letter or digit'
      : 'lowercase letters, digits and -, starting and ending with a letter or digit';
  return z
    .string()
    .max(MAX_LABEL, `${what} must be at most ${MAX_LABEL} characters`)
    .regex(pattern, `${what} must be a DNS label: ${rule}`);
}

function dnsSubdomain(z: Zod, what: string) {
  return z
    .string()
    .max(MAX_SUBDOMAIN, `${what} must be at most ${MAX_SUBDOMAIN} characters`)
    .regex(
      DNS_SUBDOMAIN,
      `${what} must be a lowercase DNS name such as apps.example.com (letters, digits, - and .)`,
    );
}

function port(z: Zod, what: string) {
  return z
    .number()
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be between 1 and 65535`)
    .max(65535, `${what} must be between 1 and 65535`);
}

function image(z: Zod) {
  return z
    .string()
    .min(1, 'an image is required')
    .regex(/^\S+$/, 'an image reference contains no spaces');
}

function replicas(z: Zod) {
  return z
    .number()
    .int('replicas must be a whole number')
    .min(
      1,
      'replicas must be at least 1, or the colour has no pods to route to',
    )
    .default(1);
}

/**
 * The input of `bluegreen:manifests:render`, built with the given zod so the scaffolder can derive
 * the action's JSON schema from it. Cross-field rules live in {@link parseBlueGreenInput}.
 */
export function blueGreenInputSchema(z: Zod) {
  return z.object({
    name: dnsLabel(z, 'name').describe(
      'Application name. Hosts are <name>.<domain> (shared) and <name>-<colour>.<domain>; the Gateway defaults to <name>-gateway.',
    ),
    namespace: dnsLabel(z, 'namespace').describe(
      'Kubernetes namespace of every object (labelled for sidecar injection)',
    ),
    domain: dnsSubdomain(z, 'domain').describe(
      'DNS domain the hosts live under, e.g. apps.example.com',
    ),
    colours: z
      .array(dnsLabel(z, 'each colour'))
      .min(2, 'blue/green needs at least two colours')
      .default(['blue', 'green'])
      .describe(
        'Colour names: DestinationRule subsets and the version label of their pods (default blue, green)',
      ),
    service: z
      .object({
        name: dnsLabel(z, 'service.name', DNS_1035_LABEL)
          .optional()
          .describe('Service (and app label) of the web tier; default: name'),
        image: image(z)
          .optional()
          .describe('Container image of every colour, unless images names one'),
        images: z
          .record(image(z))
          .optional()
          .describe(
            'Container image per colour, e.g. { blue: app:1.0, green: app:1.1 }',
          ),
        port: port(z, 'service.port')
          .default(80)
          .describe('Container and Service port'),
        protocol: z
          .enum(SERVICE_PROTOCOLS)
          .default('http')
          .describe(
            'Protocol of the port; the Service port is named <protocol>-<port>',
          ),
        replicas: replicas(z).describe('Pods per colour'),
      })
      .default({})
      .describe('The user-facing (HTTP) tier'),
    database: z
      .object({
        name: dnsLabel(z, 'database.name', DNS_1035_LABEL).describe(
          'Service (and app label) of the database tier, e.g. mysql-server',
        ),
        image: image(z).describe('Container image of every colour'),
        port: port(z, 'database.port').describe(
          'Container and Service port; the Service port is named tcp-<port>',
        ),
        replicas: replicas(z).describe('Pods per colour'),
        tcpAffinity: z
          .boolean()
          .optional()
          .describe(
            'Keep in-mesh TCP connections on the caller colour (default: routing.meshAffinity; the two must agree)',
          ),
      })
      .nullish()
      .describe(
        'An optional TCP tier (e.g. MySQL) with a blue/green pair of its own; null for none',
      ),
    routing: z
      .object({
        colourHosts: z
          .boolean()
          .default(true)
          .describe(
            'Route <name>-<colour>.<domain> to that colour through the Gateway',
          ),
        sharedHost: z
          .enum(['round-robin', 'weighted'])
          .default('round-robin')
          .describe(
            'How <name>.<domain> spreads traffic: round robin over every ready pod, or by weights',
          ),
        weights: z
          .array(
            z
              .number()
              .int('weights must be whole percentages')
              .min(0, 'weights must be between 0 and 100')
              .max(100, 'weights must be between 0 and 100'),
          )
          .nullish()
          .describe(
            'Initial weights, one per colour in colour order, summing to 100 (weighted only)',
          ),
        meshAffinity: z
          .boolean()
          .default(true)
          .describe(
            'In-mesh callers stay on their own colour (sourceLabels version=<colour>)',
          ),
      })
      .default({})
      .describe('How hosts reach the colours'),
    gateway: z
      .object({
        create: z
          .boolean()
          .default(true)
          .describe(
            'Write a Gateway, or bind the VirtualService to an existing one',
          ),
        name: z
          .string()
          .nullish()
          .describe(
            'Gateway name (default <name>-gateway); an existing one may be <namespace>/<name>',
          ),
        selector: z
          .record(z.string())
          .default({ istio: 'ingressgateway' })
          .describe('Pods of the ingress gateway the new Gateway configures'),
      })
      .default({})
      .describe('The ingress Gateway the hosts come in through'),
    istioApiVersion: z
      .enum(ISTIO_API_VERSIONS)
      .default('v1')
      .describe(
        'Version of networking.istio.io to write (v1 needs Istio 1.22 or later)',
      ),
    includeWorkloads: z
      .boolean()
      .default(true)
      .describe(
        'Write the Namespace, Deployments and Services too; false for a service that already runs, to add only the Istio routing',
      ),
    targetPath: z
      .string()
      .default('k8s')
      .describe('Workspace directory to write the manifests to'),
  });
}

type ParsedInput = zod.output<ReturnType<typeof blueGreenInputSchema>>;

/**
 * The raw input the action accepts (before defaults).
 *
 * @public
 */
export type BlueGreenInput = zod.input<ReturnType<typeof blueGreenInputSchema>>;

/**
 * A validated, defaulted description of the blue/green service to render.
 *
 * @public
 */
export interface BlueGreenServiceSpec {
  name: string;
  namespace: string;
  domain: string;
  colours: string[];
  service: {
    name: string;
    /** One image per colour, in colour order; empty when workloads are not written. */
    images: Record<string, string>;
    port: number;
    protocol: ServiceProtocol;
    replicas: number;
  };
  database?: {
    name: string;
    image: string;
    port: number;
    replicas: number;
    tcpAffinity: boolean;
  };
  routing: {
    colourHosts: boolean;
    /** Weights per colour, in colour order; absent for round robin. */
    weights?: number[];
    meshAffinity: boolean;
  };
  gateway: {
    create: boolean;
    /** As VirtualServices reference it: `name` or `namespace/name`. */
    ref: string;
    selector: Record<string, string>;
  };
  istioApiVersion: IstioApiVersion;
  includeWorkloads: boolean;
  targetPath: string;
}

type Issue = { path: (string | number)[]; message: string };

function crossFieldIssues(input: ParsedInput): Issue[] {
  const issues: Issue[] = [];
  const { colours, routing, service, database, gateway } = input;
  const serviceName = service.name ?? input.name;

  colours.forEach((colour, index) => {
    if (colours.indexOf(colour) !== index) {
      issues.push({
        path: ['colours', index],
        message: `colour '${colour}' is listed twice; each colour needs its own name`,
      });
    }
  });
  for (const colour of colours) {
    const host = `${input.name}-${colour}.${input.domain}`;
    if (`${input.name}-${colour}`.length > MAX_LABEL) {
      issues.push({
        path: ['colours'],
        message: `'${input.name}-${colour}' (the colour's host label and Deployment name) is longer than ${MAX_LABEL} characters; shorten name or the colour`,
      });
    } else if (host.length > MAX_SUBDOMAIN) {
      issues.push({
        path: ['domain'],
        message: `host ${host} is longer than ${MAX_SUBDOMAIN} characters; use a shorter domain`,
      });
    }
    for (const tier of [serviceName, database?.name]) {
      if (tier && `${tier}-${colour}`.length > MAX_LABEL) {
        issues.push({
          path: ['colours'],
          message: `Deployment name '${tier}-${colour}' is longer than ${MAX_LABEL} characters; shorten the tier name or the colour`,
        });
      }
    }
  }

  if (routing.sharedHost === 'weighted') {
    if (!routing.weights) {
      issues.push({
        path: ['routing', 'weights'],
        message: `sharedHost 'weighted' needs one weight per colour (${colours.join(
          ', ',
        )}), summing to 100`,
      });
    } else if (routing.weights.length !== colours.length) {
      issues.push({
        path: ['routing', 'weights'],
        message: `${routing.weights.length} weight(s) for ${
          colours.length
        } colours (${colours.join(', ')}); give exactly one weight per colour`,
      });
    } else {
      const sum = routing.weights.reduce((a, b) => a + b, 0);
      if (sum !== 100) {
        issues.push({
          path: ['routing', 'weights'],
          message: `weights add up to ${sum}, not 100 (${routing.weights.join(
            ' + ',
          )}); adjust them so the shared host receives all traffic`,
        });
      }
    }
  } else if (routing.weights) {
    issues.push({
      path: ['routing', 'weights'],
      message: `weights apply only to sharedHost 'weighted'; remove them or set routing.sharedHost to 'weighted'`,
    });
  }

  if (input.includeWorkloads) {
    const images = service.images ?? {};
    for (const colour of Object.keys(images)) {
      if (!colours.includes(colour)) {
        issues.push({
          path: ['service', 'images', colour],
          message: `'${colour}' is not one of the colours (${colours.join(
            ', ',
          )})`,
        });
      }
    }
    const missing = colours.filter(c => !images[c] && !service.image);
    if (missing.length > 0) {
      issues.push({
        path: ['service', 'image'],
        message: `no image for colour(s) ${missing.join(
          ', ',
        )}; set service.image for every colour or service.images per colour`,
      });
    }
  }

  if (database) {
    if (database.name === serviceName) {
      issues.push({
        path: ['database', 'name'],
        message: `the database tier needs a name of its own; '${database.name}' is the web tier's`,
      });
    }
    if (
      database.tcpAffinity !== undefined &&
      database.tcpAffinity !== routing.meshAffinity
    ) {
      issues.push({
        path: ['database', 'tcpAffinity'],
        message: `must match routing.meshAffinity (${routing.meshAffinity}): when only one tier keeps in-mesh colour affinity, a caller of one colour reaches the other tier's pods of every colour`,
      });
    }
  }

  const gatewayName = gateway.name ?? `${input.name}-gateway`;
  const [first, second, ...rest] = gatewayName.split('/');
  const refParts = second === undefined ? [first] : [first, second];
  if (
    rest.length > 0 ||
    refParts.some(
      part => !DNS_SUBDOMAIN.test(part) || part.length > MAX_SUBDOMAIN,
    )
  ) {
    issues.push({
      path: ['gateway', 'name'],
      message: `'${gatewayName}' is not a Gateway reference; use a DNS name such as public-gateway, or <namespace>/<name> for an existing Gateway`,
    });
  } else if (gateway.create && second !== undefined) {
    issues.push({
      path: ['gateway', 'name'],
      message: `a new Gateway is written to namespace ${input.namespace}; give a plain name, or set gateway.create to false to use ${gatewayName}`,
    });
  }

  const target = input.targetPath.replace(/\\/g, '/');
  if (
    target.startsWith('/') ||
    target.split('/').includes('..') ||
    /^[a-zA-Z]:/.test(target)
  ) {
    issues.push({
      path: ['targetPath'],
      message: `'${input.targetPath}' must be a relative path inside the workspace, without ..`,
    });
  }
  return issues;
}

function formatIssues(issues: Issue[]): string {
  return issues
    .map(i => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

/**
 * Validates the action input and fills in defaults. Throws an InputError naming every offending
 * field, e.g. `routing.weights: weights add up to 90, not 100 (…)`.
 *
 * @public
 */
export function parseBlueGreenInput(input: unknown): BlueGreenServiceSpec {
  const result = blueGreenInputSchema(zod).safeParse(input);
  if (!result.success) {
    throw new InputError(
      `Invalid bluegreen:manifests:render input: ${formatIssues(
        result.error.issues,
      )}`,
    );
  }
  const parsed = result.data;
  const issues = crossFieldIssues(parsed);
  if (issues.length > 0) {
    throw new InputError(
      `Invalid bluegreen:manifests:render input: ${formatIssues(issues)}`,
    );
  }
  const { service, database, routing, gateway } = parsed;
  return {
    name: parsed.name,
    namespace: parsed.namespace,
    domain: parsed.domain,
    colours: parsed.colours,
    service: {
      name: service.name ?? parsed.name,
      images: parsed.includeWorkloads
        ? Object.fromEntries(
            parsed.colours.map(c => [c, service.images?.[c] ?? service.image!]),
          )
        : {},
      port: service.port,
      protocol: service.protocol,
      replicas: service.replicas,
    },
    database: database
      ? {
          name: database.name,
          image: database.image,
          port: database.port,
          replicas: database.replicas,
          tcpAffinity: database.tcpAffinity ?? routing.meshAffinity,
        }
      : undefined,
    routing: {
      colourHosts: routing.colourHosts,
      weights:
        routing.sharedHost === 'weighted'
          ? routing.weights ?? undefined
          : undefined,
      meshAffinity: routing.meshAffinity,
    },
    gateway: {
      create: gateway.create,
      ref: gateway.name ?? `${parsed.name}-gateway`,
      selector: gateway.selector,
    },
    istioApiVersion: parsed.istioApiVersion,
    includeWorkloads: parsed.includeWorkloads,
    targetPath:
      parsed.targetPath.replace(/\\/g, '/').replace(/\/+$/, '') || '.',
  };
}
