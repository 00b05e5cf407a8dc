import { selectForHosts } from './select';
import { HostResolver, hostMatches } from './hosts';
import { ClusterObjects, VirtualService } from './istio';
import { qualifiedName } from './mesh';
import {
  gateway,
  merge,
  service,
  virtualService,
  vsNamed,
} from './__testUtils__/objects';
import { loadScenario } from './__testUtils__/scenarios';
import {
  CHECKOUT_HOSTS,
  CHECKOUT_NAMESPACE,
  SharedRoutingOptions,
  sharedRouting,
} from './__testUtils__/sharedRouting';

const piiDemo = () => loadScenario('pii-demo').objects;
const PII_HOSTS = loadScenario('pii-demo').hosts;

const names = (objects: ClusterObjects) => ({
  virtualServices: objects.virtualServices.map(o => o.metadata.name),
  destinationRules: objects.destinationRules.map(o => o.metadata.name),
  gateways: objects.gateways.map(o => o.metadata.name),
  services: objects.services.map(o => o.metadata?.name),
  deployments: objects.deployments.map(o => o.metadata?.name),
  pods: objects.pods.length,
});

describe('selectForHosts', () => {
  const myapp = loadScenario('myapp');
  const cluster = merge(piiDemo(), myapp.objects);

  it('selects the pii-demo tiers from the annotated hosts, leaving other apps out', () => {
    expect(names(selectForHosts(PII_HOSTS, cluster))).toEqual({
      virtualServices: ['httpd-server', 'mysql-server'],
      destinationRules: ['httpd-server', 'mysql-server'],
      gateways: ['pii-demo-gateway'],
      services: ['httpd-server', 'mysql-server'],
      deployments: [
        'httpd-server-blue',
        'httpd-server-green',
        'mysql-server-blue',
        'mysql-server-green',
      ],
      pods: 4,
    });
  });

  it('leaves the database tier out when the entity does not list it', () => {
    const selected = selectForHosts(['pii-demo.apps.hl.test'], cluster);
    expect(names(selected).virtualServices).toEqual(['httpd-server']);
    expect(names(selected).services).toEqual(['httpd-server']);
  });

  it('matches user hosts against wildcard VirtualService hosts', () => {
    const catchAll = merge(piiDemo(), loadScenario('myapp').objects);
    vsNamed(catchAll, 'myapp').spec.hosts = ['*'];
    expect(
      names(selectForHosts(myapp.hosts, catchAll)).virtualServices,
    ).toEqual(['myapp']);
  });

  it.each([
    'httpd-server',
    'httpd-server.pii-demo',
    'httpd-server.pii-demo.svc',
    'httpd-server.pii-demo.svc.cluster.local',
  ])('resolves the Service host written as %s', host => {
    expect(
      names(selectForHosts([host], cluster, 'pii-demo')).virtualServices,
    ).toEqual(['httpd-server']);
  });

  it('follows destination services to the VirtualServices that route them in the mesh', () => {
    const objects = merge(piiDemo(), {
      virtualServices: [
        virtualService('edge', 'pii-demo', {
          hosts: ['edge.apps.hl.test'],
          gateways: ['istio-system/public'],
          http: [{ route: [{ destination: { host: 'httpd-server' } }] }],
        }),
      ],
      gateways: [gateway('public', 'istio-system', ['*.apps.hl.test'])],
    });
    const selected = names(
      selectForHosts(['edge.apps.hl.test'], objects, 'pii-demo'),
    );
    expect(selected.virtualServices).toEqual(['edge', 'httpd-server']);
    expect(selected.gateways).toEqual(['pii-demo-gateway', 'public']);
  });

  it('keeps Services, DestinationRules and workloads to the namespace, wherever the VirtualService routing its hosts lives', () => {
    const objects = merge(piiDemo(), {
      services: [
        service('httpd-server', 'other', [{ name: 'http', port: 80 }]),
      ],
    });
    // pii-demo/httpd-server routes the external host whatever namespace the entity names, but
    // the services it routes to are pii-demo's, not those of namespace other.
    expect(names(selectForHosts(PII_HOSTS, objects, 'other'))).toMatchObject({
      virtualServices: ['httpd-server'],
      destinationRules: [],
      services: [],
    });
    expect(
      names(selectForHosts(PII_HOSTS, objects, 'pii-demo')).services,
    ).toEqual(['httpd-server', 'mysql-server']);
  });
});

describe('selectForHosts with routing in another namespace', () => {
  const select = (options: SharedRoutingOptions) =>
    names(
      selectForHosts(
        CHECKOUT_HOSTS,
        sharedRouting(options),
        CHECKOUT_NAMESPACE,
      ),
    );

  it.each([
    'checkout.payments.svc.cluster.local',
    'checkout.payments.svc',
    'checkout.payments',
  ])(
    'finds the VirtualService of mesh-routing writing the host as %s, with the Service and DestinationRule of payments',
    vsHost => {
      expect(select({ vsHost })).toEqual({
        virtualServices: ['checkout'],
        destinationRules: ['checkout'],
        gateways: [],
        services: ['checkout'],
        deployments: ['checkout-blue', 'checkout-green'],
        pods: 2,
      });
    },
  );

  it('reads a short host of mesh-routing as a Service of mesh-routing, as Istio does', () => {
    expect(select({ vsHost: 'checkout' }).virtualServices).toEqual([]);
  });

  it.each([
    [undefined, ['checkout']],
    [['*'], ['checkout']],
    [['payments'], ['checkout']],
    [['frontend', 'payments'], ['checkout']],
    [['.'], []],
    [['frontend'], []],
  ])(
    'with exportTo %j selects the VirtualServices %j for payments',
    (vsExportTo, selected) => {
      expect(select({ vsExportTo }).virtualServices).toEqual(selected);
    },
  );

  it('counts a gateway-bound VirtualService exported to its Gateway namespace only', () => {
    const objects = sharedRouting({
      vsHost: 'checkout.example.com',
      vsExportTo: ['istio-system'],
    });
    objects.virtualServices[0].spec.gateways = ['istio-system/public'];
    objects.gateways.push(gateway('public', 'istio-system', ['*.example.com']));
    expect(
      names(
        selectForHosts(['checkout.example.com'], objects, CHECKOUT_NAMESPACE),
      ),
    ).toMatchObject({
      virtualServices: ['checkout'],
      gateways: ['public'],
      services: ['checkout'],
    });
  });
});

describe('selectForHosts among many VirtualServices', () => {
  // The entity: Service cart in shop, reached as cart.example.com and in the mesh as cart.
  const HOSTS = ['cart.example.com', 'cart'];
  const route = (host: string) => [{ destination: { host } }];
  /** Other applications' routing, in namespaces of their own, exported everywhere. */
  const others = Array.from({ length: 200 }, (_, i) =>
    virtualService(`other-${i}`, `team-${i}`, {
      hosts: [`app-${i}.example.com`, `app-${i}`],
      http: [{ route: route(`app-${i}`) }],
    }),
  );
  const selected = (...routing: VirtualService[]) =>
    selectForHosts(
      HOSTS,
      merge(
        { virtualServices: [...others, ...routing] },
        { services: [service('cart', 'shop', [{ port: 80 }])] },
      ),
      'shop',
    ).virtualServices.map(vs => qualifiedName(vs));
  const vs = (
    name: string,
    namespace: string,
    spec: Partial<VirtualService['spec']>,
  ) =>
    virtualService(name, namespace, {
      http: [{ route: route('cart.shop.svc.cluster.local') }],
      ...spec,
    });

  it.each([
    ['a fully qualified host', 'cart.shop.svc.cluster.local'],
    ['a short host in the Service namespace', 'cart'],
    ['a namespace-qualified host', 'cart.shop'],
    ['a host ending in .svc', 'cart.shop.svc'],
  ])('finds the Service named by %s', (_case, host) => {
    expect(selected(vs('mesh', 'shop', { hosts: [host] }))).toEqual([
      'shop/mesh',
    ]);
  });

  it('reads a short host written in another namespace as a Service of that namespace', () => {
    expect(selected(vs('mesh', 'routing', { hosts: ['cart'] }))).toEqual([]);
  });

  it('finds the VirtualService of another namespace that routes the entity host', () => {
    expect(
      selected(vs('edge', 'routing', { hosts: ['cart.example.com'] })),
    ).toEqual(['routing/edge']);
  });

  it('drops a VirtualService that routes the Service under another host only', () => {
    expect(
      selected(vs('portal', 'routing', { hosts: ['portal.example.com'] })),
    ).toEqual([]);
  });

  it('falls back to a wildcard host, and to the catch-all after it, only when nothing closer names a host', () => {
    const wildcard = vs('wildcard', 'routing', {
      hosts: ['*.example.com', '*.shop.svc.cluster.local'],
    });
    const catchAll = vs('catch-all', 'routing', { hosts: ['*'] });
    expect(selected(catchAll)).toEqual(['routing/catch-all']);
    expect(selected(catchAll, wildcard)).toEqual(['routing/wildcard']);
    expect(
      selected(
        catchAll,
        wildcard,
        vs('edge', 'shop', { hosts: ['cart.example.com', 'cart'] }),
      ),
    ).toEqual(['shop/edge']);
  });

  it.each([
    [['*'], ['routing/mesh']],
    [['shop'], ['routing/mesh']],
    [['billing', 'shop'], ['routing/mesh']],
    [['.'], []],
    [['billing'], []],
  ])(
    'with exportTo %j keeps %j of a VirtualService in another namespace',
    (exportTo, kept) => {
      expect(
        selected(
          vs('mesh', 'routing', {
            hosts: ['cart.shop.svc.cluster.local'],
            exportTo,
          }),
        ),
      ).toEqual(kept);
    },
  );

  it('follows routes through the Services they reach, wherever those are routed', () => {
    const edge = vs('edge', 'shop', {
      hosts: ['cart.example.com'],
      http: [{ route: route('pricing.billing.svc.cluster.local') }],
    });
    const pricing = vs('pricing', 'billing', {
      hosts: ['pricing.billing.svc.cluster.local'],
    });
    expect(selected(edge, pricing)).toEqual(['shop/edge', 'billing/pricing']);
  });

  it('sees a VirtualService replaced in a list it was given before', () => {
    const objects = merge(
      { virtualServices: [...others] },
      { services: [service('cart', 'shop', [{ port: 80 }])] },
    );
    expect(selectForHosts(HOSTS, objects, 'shop').virtualServices).toEqual([]);
    objects.virtualServices[0] = vs('edge', 'shop', {
      hosts: ['cart.example.com'],
    });
    expect(
      selectForHosts(HOSTS, objects, 'shop').virtualServices.map(
        v => v.metadata.name,
      ),
    ).toEqual(['edge']);
  });
});

describe('host names', () => {
  const resolver = new HostResolver(
    new Set(['reviews.prod.svc.cluster.local']),
  );

  it.each([
    ['reviews', 'prod', 'reviews.prod.svc.cluster.local'],
    ['reviews.prod', 'default', 'reviews.prod.svc.cluster.local'],
    ['reviews.prod.svc', 'default', 'reviews.prod.svc.cluster.local'],
    ['Example.COM.', 'prod', 'example.com'],
    ['shop.example', 'prod', 'shop.example'],
    ['*.example.com', 'prod', '*.example.com'],
  ])('%s written in %s is %s', (host, namespace, canonical) => {
    expect(resolver.canonical(host, namespace)).toBe(canonical);
  });

  it('matches wildcards by suffix', () => {
    expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('*', 'anything')).toBe(true);
  });
});
