import {
  DestinationRule as DestinationRuleV1alpha3,
  Gateway as GatewayV1alpha3,
  VirtualService as VirtualServiceV1alpha3,
} from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import {
  DestinationRule as DestinationRuleV1beta1,
  Gateway as GatewayV1beta1,
  VirtualService as VirtualServiceV1beta1,
  IVirtualService,
} from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Namespace, Service } from 'kubernetes-models/v1';
import { MESH_GATEWAY } from '@bluegreen-istio/plugin-bluegreen-common';
import { BlueGreenServiceSpec, IstioApiVersion } from './input';

const VERSION_LABEL = 'version';

type VirtualServiceSpec = NonNullable<IVirtualService['spec']>;
type HttpRoute = NonNullable<VirtualServiceSpec['http']>[number];
type HttpMatch = NonNullable<HttpRoute['match']>[number];
type TcpRoute = NonNullable<VirtualServiceSpec['tcp']>[number];

/**
 * A Kubernetes object as it is written out.
 *
 * @public
 */
export interface KubeManifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  [key: string]: unknown;
}

/**
 * One generated object and the file (relative to the target directory) it belongs in.
 *
 * @public
 */
export interface RenderedManifest {
  path: string;
  object: KubeManifest;
}

/**
 * Hosts the rendered service answers to.
 *
 * @public
 */
export interface BlueGreenHosts {
  /** `<name>.<domain>`: split between colours (round robin or weights). */
  shared: string;
  /** `<name>-<colour>.<domain>` per colour; empty when colour hosts are off. */
  colours: Record<string, string>;
  /**
   * Value of the `bluegreen/istio-hosts` annotation: the shared host, plus the database Service,
   * which only application code calls, so routing alone would never lead the state model to it.
   */
  istioHosts: string[];
}

/** @public */
export interface BlueGreenManifests {
  manifests: RenderedManifest[];
  hosts: BlueGreenHosts;
  /** `backstage.io/kubernetes-label-selector` selecting the pods of every tier. */
  labelSelector: string;
}

interface Validatable {
  validate(): void;
  toJSON(): unknown;
}

/**
 * Checks an object against its published schema and returns it as plain JSON. Istio's `v1` API
 * has the same schema as `v1beta1` (the models package publishes up to v1beta1), so `v1` objects
 * are validated as v1beta1 and then labelled v1.
 */
function validated(model: Validatable, apiVersion?: string): KubeManifest {
  const json = model.toJSON() as KubeManifest;
  try {
    model.validate();
  } catch (e) {
    throw new Error(
      `Generated ${json.kind} ${json.metadata.namespace}/${json.metadata.name} does not match the ${json.apiVersion} schema: ${e}`,
    );
  }
  return apiVersion ? { ...json, apiVersion } : json;
}

const ISTIO_MODELS = {
  v1alpha3: {
    Gateway: GatewayV1alpha3,
    VirtualService: VirtualServiceV1alpha3,
    DestinationRule: DestinationRuleV1alpha3,
  },
  v1beta1: {
    Gateway: GatewayV1beta1,
    VirtualService: VirtualServiceV1beta1,
    DestinationRule: DestinationRuleV1beta1,
  },
} as const;

function istio(version: IstioApiVersion) {
  const models = ISTIO_MODELS[version === 'v1alpha3' ? 'v1alpha3' : 'v1beta1'];
  const apiVersion = version === 'v1' ? 'networking.istio.io/v1' : undefined;
  return {
    gateway: (data: ConstructorParameters<typeof GatewayV1beta1>[0]) =>
      validated(new models.Gateway(data), apiVersion),
    virtualService: (
      data: ConstructorParameters<typeof VirtualServiceV1beta1>[0],
    ) => validated(new models.VirtualService(data), apiVersion),
    destinationRule: (
      data: ConstructorParameters<typeof DestinationRuleV1beta1>[0],
    ) => validated(new models.DestinationRule(data), apiVersion),
  };
}

export function hostsOf(spec: BlueGreenServiceSpec): BlueGreenHosts {
  const shared = `${spec.name}.${spec.domain}`;
  return {
    shared,
    colours: spec.routing.colourHosts
      ? Object.fromEntries(
          spec.colours.map(c => [c, `${spec.name}-${c}.${spec.domain}`]),
        )
      : {},
    istioHosts: spec.database ? [shared, spec.database.name] : [shared],
  };
}

/** What the manifests of one tier (web, or the database) are written from. */
interface TierSpec {
  name: string;
  port: number;
  portName: string;
  replicas: number;
  imageOf: (colour: string) => string;
}

function tierSpecsOf(spec: BlueGreenServiceSpec): TierSpec[] {
  const { service, database } = spec;
  const web: TierSpec = {
    name: service.name,
    port: service.port,
    portName: `${service.protocol}-${service.port}`,
    replicas: service.replicas,
    imageOf: colour => service.images[colour],
  };
  if (!database) return [web];
  return [
    web,
    {
      name: database.name,
      port: database.port,
      // Plain TCP, never `mysql`: Istio's MySQL protocol handling breaks connections.
      portName: `tcp-${database.port}`,
      replicas: database.replicas,
      imageOf: () => database.image,
    },
  ];
}

function workloadManifests(
  spec: BlueGreenServiceSpec,
  tier: TierSpec,
): RenderedManifest[] {
  const deployments = spec.colours.map(colour => {
    const labels = { app: tier.name, [VERSION_LABEL]: colour };
    return {
      path: `${tier.name}/deployment-${colour}.yaml`,
      object: validated(
        new Deployment({
          metadata: {
            name: `${tier.name}-${colour}`,
            namespace: spec.namespace,
            labels,
          },
          spec: {
            replicas: tier.replicas,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                containers: [
                  {
                    name: tier.name,
                    image: tier.imageOf(colour),
                    ports: [{ containerPort: tier.port }],
                  },
                ],
              },
            },
          },
        }),
      ),
    };
  });
  const service = {
    path: `${tier.name}/service.yaml`,
    object: validated(
      new Service({
        metadata: {
          name: tier.name,
          namespace: spec.namespace,
          labels: { app: tier.name },
        },
        spec: {
          selector: { app: tier.name },
          ports: [
            {
              name: tier.portName,
              port: tier.port,
              targetPort: tier.port,
              protocol: 'TCP',
            },
          ],
        },
      }),
    ),
  };
  return [...deployments, service];
}

function destinationRule(
  spec: BlueGreenServiceSpec,
  tier: TierSpec,
): RenderedManifest {
  return {
    path: `${tier.name}/destinationrule.yaml`,
    object: istio(spec.istioApiVersion).destinationRule({
      metadata: { name: tier.name, namespace: spec.namespace },
      spec: {
        host: tier.name,
        subsets: spec.colours.map(colour => ({
          name: colour,
          labels: { [VERSION_LABEL]: colour },
        })),
      },
    }),
  };
}

/**
 * The web tier's VirtualService, in the order Istio evaluates it: one rule per colour (its host
 * through the Gateway, or in-mesh callers of that colour), then the shared host.
 */
function webVirtualService(
  spec: BlueGreenServiceSpec,
  tier: TierSpec,
  hosts: BlueGreenHosts,
): RenderedManifest {
  const gateway = spec.gateway.ref;
  const { meshAffinity } = spec.routing;
  const destination = (subset?: string) => ({
    host: tier.name,
    port: { number: tier.port },
    ...(subset && { subset }),
  });
  const colourRules: HttpRoute[] = spec.colours.flatMap(colour => {
    const match: HttpMatch[] = [];
    if (hosts.colours[colour]) {
      match.push({
        headers: { host: { exact: hosts.colours[colour] } },
        gateways: [gateway],
      });
    }
    if (meshAffinity) {
      match.push({ sourceLabels: { [VERSION_LABEL]: colour } });
    }
    return match.length > 0
      ? [{ match, route: [{ destination: destination(colour) }] }]
      : [];
  });
  const { weights } = spec.routing;
  const sharedRoute = weights
    ? spec.colours.map((colour, i) => ({
        destination: destination(colour),
        weight: weights[i],
      }))
    : // No subset: Kubernetes spreads requests over the ready pods of every colour.
      [{ destination: destination() }];
  const vsHosts = [
    hosts.shared,
    ...Object.values(hosts.colours),
    ...(meshAffinity ? [tier.name] : []),
  ];
  // With other hosts or in-mesh callers on this VirtualService, the shared rule must say whose
  // traffic it takes; alone, it takes everything that arrives.
  const sharedRule: HttpRoute =
    vsHosts.length > 1
      ? {
          match: [
            {
              headers: { host: { exact: hosts.shared } },
              gateways: [gateway],
            },
          ],
          route: sharedRoute,
        }
      : { route: sharedRoute };
  return {
    path: `${tier.name}/virtualservice.yaml`,
    object: istio(spec.istioApiVersion).virtualService({
      metadata: { name: tier.name, namespace: spec.namespace },
      spec: {
        hosts: vsHosts,
        gateways: meshAffinity ? [MESH_GATEWAY, gateway] : [gateway],
        http: [...colourRules, sharedRule],
      },
    }),
  };
}

/** In-mesh TCP affinity for the database: each colour's callers reach that colour's pods. */
function databaseVirtualService(
  spec: BlueGreenServiceSpec,
  tier: TierSpec,
): RenderedManifest {
  const tcp: TcpRoute[] = spec.colours.map(colour => ({
    match: [{ sourceLabels: { [VERSION_LABEL]: colour } }],
    route: [
      {
        destination: {
          host: tier.name,
          port: { number: tier.port },
          subset: colour,
        },
      },
    ],
  }));
  return {
    path: `${tier.name}/virtualservice.yaml`,
    object: istio(spec.istioApiVersion).virtualService({
      metadata: { name: tier.name, namespace: spec.namespace },
      spec: { hosts: [tier.name], gateways: [MESH_GATEWAY], tcp },
    }),
  };
}

function gatewayManifest(
  spec: BlueGreenServiceSpec,
  hosts: BlueGreenHosts,
): RenderedManifest {
  return {
    path: 'gateway.yaml',
    object: istio(spec.istioApiVersion).gateway({
      metadata: { name: spec.gateway.ref, namespace: spec.namespace },
      spec: {
        selector: spec.gateway.selector,
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: [hosts.shared, ...Object.values(hosts.colours)],
          },
        ],
      },
    }),
  };
}

/**
 * Builds the Kubernetes and Istio objects of a blue/green service: no I/O, every object checked
 * against its published schema. Paths are relative to the target directory; the namespace comes
 * first so the list can be applied in order.
 *
 * @public
 */
export function buildBlueGreenManifests(
  spec: BlueGreenServiceSpec,
): BlueGreenManifests {
  const hosts = hostsOf(spec);
  const [web, database] = tierSpecsOf(spec);
  const manifests: RenderedManifest[] = [];

  if (spec.includeWorkloads) {
    manifests.push({
      path: 'namespace.yaml',
      object: validated(
        new Namespace({
          metadata: {
            name: spec.namespace,
            labels: { 'istio-injection': 'enabled' },
          },
        }),
      ),
    });
  }
  if (spec.gateway.create) {
    manifests.push(gatewayManifest(spec, hosts));
  }
  for (const tier of database ? [web, database] : [web]) {
    if (spec.includeWorkloads) {
      manifests.push(...workloadManifests(spec, tier));
    }
    manifests.push(destinationRule(spec, tier));
  }
  manifests.push(webVirtualService(spec, web, hosts));
  if (database && spec.database?.tcpAffinity) {
    manifests.push(databaseVirtualService(spec, database));
  }

  const apps = database ? [web.name, database.name] : [web.name];
  return {
    manifests,
    hosts,
    labelSelector:
      apps.length > 1 ? `app in (${apps.join(',')})` : `app=${apps[0]}`,
  };
}
