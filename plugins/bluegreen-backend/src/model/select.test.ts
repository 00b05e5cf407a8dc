import { selectForHosts } from './select';
import { HostResolver, hostMatches } from './hosts';
import { ClusterObjects } from './istio';
import {
  gateway,
  merge,
  service,
  virtualService,
} from './__fixtures__/objects';
import {
  MYAPP_HOSTS,
  PII_HOSTS,
  myapp,
  piiDemo,
} from './__fixtures__/scenarios';

const names = (objects: ClusterObjects) => ({
  virtualServices: objects.virtualServices.map(o => o.metadata.name),
  destinationRules: objects.destinationRules.map(o => o.metadata.name),
  gateways: objects.gateways.map(o => o.metadata.name),
  services: objects.services.map(o => o.metadata?.name),
  deployments: objects.deployments.map(o => o.metadata?.name),
  pods: objects.pods.length,
});

describe('selectForHosts', () => {
  const cluster = merge(piiDemo(), myapp());

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
    expect(names(selectForHosts(MYAPP_HOSTS, cluster)).virtualServices).toEqual(
      ['myapp'],
    );
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

  it('keeps to the namespace, except for Gateways', () => {
    const objects = merge(piiDemo(), {
      services: [
        service('httpd-server', 'other', [{ name: 'http', port: 80 }]),
      ],
    });
    expect(
      names(selectForHosts(PII_HOSTS, objects, 'other')).virtualServices,
    ).toEqual([]);
    expect(
      names(selectForHosts(PII_HOSTS, objects, 'pii-demo')).services,
    ).toEqual(['httpd-server', 'mysql-server']);
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
