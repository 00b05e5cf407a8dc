import { generateBlueGreenServices } from './generator';
import { loadScenarios, parseManifests, SCENARIOS_DIR } from './seed';
import { startKubeTestServer } from './server';
import { call } from './testUtils';

describe('generateBlueGreenServices', () => {
  it('generates two deployments, a service, a destination rule and a weighted virtual service per service', () => {
    const objects = generateBlueGreenServices(12, {
      namespace: 'bench',
      namespaces: 3,
    });
    const kinds = (kind: string) => objects.filter(o => o.kind === kind);
    expect(kinds('Namespace').map(n => n.metadata.name)).toEqual([
      'bench-1',
      'bench-2',
      'bench-3',
    ]);
    expect(kinds('Gateway')).toHaveLength(3);
    expect(kinds('Deployment')).toHaveLength(24);
    expect(kinds('Service')).toHaveLength(12);
    expect(kinds('DestinationRule')).toHaveLength(12);
    expect(kinds('VirtualService')).toHaveLength(12);
    expect(
      kinds('Service').filter(s => s.metadata.namespace === 'bench-2'),
    ).toHaveLength(4);

    for (const vs of kinds('VirtualService')) {
      const route = (vs.spec as any).http[0].route;
      expect(route.map((r: any) => r.destination.subset)).toEqual([
        'blue',
        'green',
      ]);
      expect(route[0].weight + route[1].weight).toBe(100);
    }
    expect(
      new Set(
        kinds('VirtualService').map(
          vs => (vs.spec as any).http[0].route[1].weight,
        ),
      ).size,
    ).toBeGreaterThan(1);
    expect(kinds('Deployment')[0].metadata).toMatchObject({
      name: 'svc-01-blue',
      labels: { app: 'svc-01', version: 'blue' },
    });
    expect(
      generateBlueGreenServices(12, { namespace: 'bench', namespaces: 3 }),
    ).toEqual(objects);
  });

  it('loads into a server, with running pods behind every colour', async () => {
    const server = await startKubeTestServer({
      objects: generateBlueGreenServices(20, { namespaces: 2, replicas: 2 }),
    });
    try {
      const pods = (
        await call(server, 'GET', '/api/v1/pods?labelSelector=version%3Dgreen')
      ).body.items;
      expect(pods).toHaveLength(40);
      const endpoints = (
        await call(server, 'GET', '/api/v1/namespaces/bench-1/endpoints/svc-01')
      ).body;
      expect(endpoints.subsets[0].addresses).toHaveLength(4);
    } finally {
      await server.close();
    }
  });
});

describe('scenario loading', () => {
  it('loads every scenario file in a folder', () => {
    const objects = loadScenarios([SCENARIOS_DIR]);
    const namespaces = objects
      .filter(o => o.kind === 'Namespace')
      .map(o => o.metadata.name);
    expect(namespaces).toEqual(['myapp', 'pii-demo', 'progressive']);
    expect(objects.filter(o => o.kind === 'VirtualService')).toHaveLength(4);
  });

  it('parses multi-document YAML and rejects documents that are not objects', () => {
    expect(
      parseManifests(
        '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n',
      ),
    ).toHaveLength(1);
    expect(() => parseManifests('just: text', 'bad.yaml')).toThrow(
      'bad.yaml: document 1 is not a Kubernetes object',
    );
  });

  it('refuses to start with objects of kinds it does not serve', async () => {
    await expect(
      startKubeTestServer({
        objects: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Widget',
            metadata: { name: 'w' },
          },
        ],
      }),
    ).rejects.toThrow('example.com/v1 Widget is not served');
  });
});
