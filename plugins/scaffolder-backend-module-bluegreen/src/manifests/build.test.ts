import { loadDemoScenario } from '@internal/kube-test-server';
import { KubeManifest, buildBlueGreenManifests } from './build';
import { parseBlueGreenInput } from './input';
import { myappInput, piiDemoInput } from './scenarioInputs';

function find(objects: KubeManifest[], kind: string, name: string) {
  const found = objects.find(o => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

describe('buildBlueGreenManifests', () => {
  it('builds the pii-demo routing exactly as the reference scenario has it', () => {
    const { manifests } = buildBlueGreenManifests(
      parseBlueGreenInput(piiDemoInput),
    );
    const objects = manifests.map(m => m.object);
    const reference = loadDemoScenario('pii-demo').manifests as KubeManifest[];
    for (const [kind, name] of [
      ['VirtualService', 'httpd-server'],
      ['VirtualService', 'mysql-server'],
      ['DestinationRule', 'httpd-server'],
      ['DestinationRule', 'mysql-server'],
    ]) {
      expect({ kind, name, spec: find(objects, kind, name).spec }).toEqual({
        kind,
        name,
        spec: find(reference, kind, name).spec,
      });
    }
    for (const [kind, name] of [
      ['Deployment', 'httpd-server-blue'],
      ['Deployment', 'httpd-server-green'],
      ['Deployment', 'mysql-server-blue'],
      ['Deployment', 'mysql-server-green'],
    ]) {
      const ours = find(objects, kind, name);
      expect(ours.metadata.labels).toEqual(
        find(reference, kind, name).metadata.labels,
      );
      expect(ours.spec).toEqual(find(reference, kind, name).spec);
    }
    expect(find(objects, 'Namespace', 'pii-demo').metadata.labels).toEqual({
      'istio-injection': 'enabled',
    });
  });

  it('names Service ports by protocol, the database tcp-<port>, never mysql', () => {
    const { manifests } = buildBlueGreenManifests(
      parseBlueGreenInput(piiDemoInput),
    );
    const ports = manifests
      .filter(m => m.object.kind === 'Service')
      .map(m => [m.object.metadata.name, (m.object.spec as any).ports]);
    expect(ports).toEqual([
      [
        'httpd-server',
        [{ name: 'http-80', port: 80, targetPort: 80, protocol: 'TCP' }],
      ],
      [
        'mysql-server',
        [{ name: 'tcp-3306', port: 3306, targetPort: 3306, protocol: 'TCP' }],
      ],
    ]);
  });

  it('lets the Gateway accept exactly the shared and colour hosts', () => {
    const { manifests, hosts } = buildBlueGreenManifests(
      parseBlueGreenInput(piiDemoInput),
    );
    const gateway = find(
      manifests.map(m => m.object),
      'Gateway',
      'pii-demo-gateway',
    );
    expect(gateway.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 80, name: 'http', protocol: 'HTTP' },
          hosts: [
            'pii-demo.apps.hl.test',
            'pii-demo-blue.apps.hl.test',
            'pii-demo-green.apps.hl.test',
          ],
        },
      ],
    });
    expect(hosts).toEqual({
      shared: 'pii-demo.apps.hl.test',
      colours: {
        blue: 'pii-demo-blue.apps.hl.test',
        green: 'pii-demo-green.apps.hl.test',
      },
      istioHosts: ['pii-demo.apps.hl.test', 'mysql-server'],
    });
  });

  it('builds the myapp weighted switch as the reference scenario routes it', () => {
    const { manifests, labelSelector } = buildBlueGreenManifests(
      parseBlueGreenInput({ ...myappInput, istioApiVersion: 'v1alpha3' }),
    );
    const objects = manifests.map(m => m.object);
    const reference = loadDemoScenario('myapp').manifests as KubeManifest[];
    const vs = find(objects, 'VirtualService', 'myapp');
    const expected = find(reference, 'VirtualService', 'myapp');
    expect(vs).toEqual(expected);
    expect(find(objects, 'DestinationRule', 'myapp')).toEqual(
      find(reference, 'DestinationRule', 'myapp'),
    );
    expect(labelSelector).toBe('app=myapp');
  });

  it('writes the Istio objects at the API version asked for', () => {
    for (const version of ['v1', 'v1beta1', 'v1alpha3'] as const) {
      const { manifests } = buildBlueGreenManifests(
        parseBlueGreenInput({ ...piiDemoInput, istioApiVersion: version }),
      );
      const istioVersions = new Set(
        manifests
          .map(m => m.object.apiVersion)
          .filter(v => v.startsWith('networking.istio.io/')),
      );
      expect([...istioVersions]).toEqual([`networking.istio.io/${version}`]);
    }
  });

  it('writes only DestinationRules and VirtualServices for a service that already runs', () => {
    const { manifests } = buildBlueGreenManifests(
      parseBlueGreenInput({
        ...piiDemoInput,
        includeWorkloads: false,
        gateway: { create: false, name: 'istio-system/public-gateway' },
      }),
    );
    expect(
      manifests.map(
        m => `${m.object.kind}/${m.object.metadata.name} ${m.path}`,
      ),
    ).toEqual([
      'DestinationRule/httpd-server httpd-server/destinationrule.yaml',
      'DestinationRule/mysql-server mysql-server/destinationrule.yaml',
      'VirtualService/httpd-server httpd-server/virtualservice.yaml',
      'VirtualService/mysql-server mysql-server/virtualservice.yaml',
    ]);
    const vs = manifests[2].object.spec as any;
    expect(vs.gateways).toEqual(['mesh', 'istio-system/public-gateway']);
    expect(vs.http[0].match[0].gateways).toEqual([
      'istio-system/public-gateway',
    ]);
  });

  it('routes three colours, each with its host and affinity, the shared host by weight', () => {
    const { manifests } = buildBlueGreenManifests(
      parseBlueGreenInput({
        name: 'shop',
        namespace: 'shop',
        domain: 'example.com',
        colours: ['red', 'green', 'blue'],
        service: { image: 'shop:1', port: 8080, protocol: 'grpc' },
        routing: { sharedHost: 'weighted', weights: [80, 20, 0] },
      }),
    );
    const objects = manifests.map(m => m.object);
    const http = (find(objects, 'VirtualService', 'shop').spec as any).http;
    expect(
      http.map((r: any) =>
        r.route.map((d: any) => [d.destination.subset, d.weight]),
      ),
    ).toEqual([
      [['red', undefined]],
      [['green', undefined]],
      [['blue', undefined]],
      [
        ['red', 80],
        ['green', 20],
        ['blue', 0],
      ],
    ]);
    expect(http[2].match).toEqual([
      {
        headers: { host: { exact: 'shop-blue.example.com' } },
        gateways: ['shop-gateway'],
      },
      { sourceLabels: { version: 'blue' } },
    ]);
    expect((find(objects, 'Service', 'shop').spec as any).ports[0].name).toBe(
      'grpc-8080',
    );
  });

  it('leaves the database without a VirtualService when no tier keeps affinity', () => {
    const { manifests } = buildBlueGreenManifests(
      parseBlueGreenInput({
        ...piiDemoInput,
        routing: { meshAffinity: false },
      }),
    );
    const virtualServices = manifests.filter(
      m => m.object.kind === 'VirtualService',
    );
    expect(virtualServices.map(m => m.object.metadata.name)).toEqual([
      'httpd-server',
    ]);
    const spec = virtualServices[0].object.spec as any;
    expect(spec.gateways).toEqual(['pii-demo-gateway']);
    expect(spec.hosts).not.toContain('httpd-server');
    expect(spec.http.flatMap((r: any) => r.match ?? [])).not.toContainEqual(
      expect.objectContaining({ sourceLabels: expect.anything() }),
    );
  });
});
