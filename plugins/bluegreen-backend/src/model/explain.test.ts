import { ExplainQuery, explainRequest } from './explain';
import { setWeights, vsNamed } from './__testUtils__/objects';
import { loadScenario } from './__testUtils__/scenarios';

function myappAt(weights: [number, number]) {
  const { objects } = loadScenario('myapp');
  setWeights(vsNamed(objects, 'myapp'), weights);
  return objects;
}

describe('explainRequest', () => {
  const pii = loadScenario('pii-demo').objects;

  it('routes the blue host through the ingress gateway to blue', () => {
    const result = explainRequest({ host: 'pii-demo-blue.apps.hl.test' }, pii);
    expect(result.virtualService).toBe('pii-demo/httpd-server');
    expect(result.matchedRule).toMatchObject({
      index: 0,
      protocol: 'http',
      label: 'HTTP rule 1',
    });
    expect(result.matchedRule?.reason).toContain(
      "host = 'pii-demo-blue.apps.hl.test' via pii-demo-gateway",
    );
    expect(result.skipped).toEqual([]);
    expect(result.destinations).toEqual([
      {
        host: 'httpd-server',
        subset: 'blue',
        target: 'httpd-server subset blue',
        colour: 'blue',
        percent: 100,
        pods: ['httpd-server-blue-0'],
      },
    ]);
  });

  it('keeps a green pod calling httpd-server in the mesh on green', () => {
    const result = explainRequest(
      {
        host: 'httpd-server',
        sourceLabels: { app: 'httpd-server', version: 'green' },
      },
      pii,
    );
    expect(result.matchedRule).toMatchObject({ index: 1 });
    expect(result.skipped).toEqual([
      {
        protocol: 'http',
        index: 0,
        label: 'HTTP rule 1',
        reason:
          'block 1 applies only via pii-demo-gateway, not mesh; block 2 needs a caller labelled version=blue, but the caller has app=httpd-server, version=green',
      },
    ]);
    expect(result.destinations).toEqual([
      {
        host: 'httpd-server',
        subset: 'green',
        target: 'httpd-server subset green',
        colour: 'green',
        percent: 100,
        pods: ['httpd-server-green-0'],
      },
    ]);
  });

  it('spreads the shared host over both colours', () => {
    const result = explainRequest(
      { host: 'pii-demo.apps.hl.test', gateway: 'pii-demo-gateway' },
      pii,
    );
    expect(result.matchedRule).toMatchObject({ index: 2 });
    expect(result.skipped.map(s => s.index)).toEqual([0, 1]);
    expect(result.destinations).toEqual([
      {
        host: 'httpd-server',
        subset: null,
        target: 'httpd-server (round robin over its pods)',
        colour: 'blue',
        percent: 50,
        pods: ['httpd-server-blue-0'],
      },
      {
        host: 'httpd-server',
        subset: null,
        target: 'httpd-server (round robin over its pods)',
        colour: 'green',
        percent: 50,
        pods: ['httpd-server-green-0'],
      },
    ]);
  });

  it('ignores sourceLabels for traffic entering at the ingress gateway', () => {
    const result = explainRequest(
      {
        host: 'pii-demo.apps.hl.test',
        gateway: 'pii-demo-gateway',
        sourceLabels: { version: 'blue' },
      },
      pii,
    );
    expect(result.skipped[0].reason).toContain(
      'block 2 sourceLabels only apply to in-mesh callers, not to traffic from gateway pii-demo-gateway',
    );
    expect(result.matchedRule?.index).toBe(2);
    expect(result.destinations.map(d => d.colour)).toEqual(['blue', 'green']);
  });

  it('follows TCP affinity to the database of the same colour', () => {
    const result = explainRequest(
      { host: 'mysql-server', sourceLabels: { version: 'green' } },
      pii,
    );
    expect(result.matchedRule).toMatchObject({ index: 1, protocol: 'tcp' });
    expect(result.destinations).toEqual([
      {
        host: 'mysql-server',
        subset: 'green',
        target: 'mysql-server subset green',
        colour: 'green',
        percent: 100,
        pods: ['mysql-server-green-0'],
      },
    ]);
  });

  it('sends unmatched TCP connections to the Service without a subset', () => {
    const result = explainRequest(
      { host: 'mysql-server', gateway: 'mesh' },
      pii,
    );
    expect(result.matchedRule).toBeNull();
    expect(result.skipped).toHaveLength(2);
    expect(result.message).toContain('round robin');
    expect(result.destinations.map(d => [d.colour, d.percent])).toEqual([
      ['blue', 50],
      ['green', 50],
    ]);
  });

  it('answers 404 when no HTTP rule matches', () => {
    const result = explainRequest(
      { host: 'httpd-server', gateway: 'mesh' },
      pii,
    );
    expect(result.matchedRule).toBeNull();
    expect(result.destinations).toEqual([]);
    expect(result.message).toContain('404');
  });

  it('falls back to Kubernetes round robin when no VirtualService routes the host', () => {
    const result = explainRequest(
      { host: 'myapp', gateway: 'mesh' },
      myappAt([0, 100]),
    );
    expect(result.virtualService).toBeNull();
    expect(result.message).toContain('plain Kubernetes Service round robin');
    expect(result.destinations.map(d => [d.colour, d.percent])).toEqual([
      ['v1', 50],
      ['v2', 50],
    ]);
  });

  it('applies weights for any host a wildcard VirtualService covers', () => {
    const objects = myappAt([90, 10]);
    vsNamed(objects, 'myapp').spec.hosts = ['*'];
    objects.gateways[0].spec.servers![0].hosts = ['*'];
    const result = explainRequest({ host: 'shop.example.com' }, objects);
    expect(result.destinations.map(d => [d.subset, d.percent, d.pods])).toEqual(
      [
        ['v1', 90, ['myapp-v1-0', 'myapp-v1-1']],
        ['v2', 10, ['myapp-v2-0', 'myapp-v2-1']],
      ],
    );
  });

  describe('match conditions', () => {
    const { objects } = loadScenario('myapp');
    objects.virtualServices[0].spec.http!.unshift(
      {
        match: [
          { headers: { 'x-canary': { exact: 'true' } } },
          { uri: { regex: '/v2/.*' } },
        ],
        route: [{ destination: { host: 'myapp', subset: 'v2' } }],
      },
      {
        match: [
          {
            uri: { prefix: '/legacy' },
            headers: { 'user-agent': { prefix: 'curl/' } },
          },
          { port: 8080 },
        ],
        route: [{ destination: { host: 'myapp', subset: 'v1' } }],
      },
    );
    type Conditions = Omit<ExplainQuery, 'host'>;
    const matched = (conditions: Conditions) =>
      explainRequest({ ...conditions, host: 'myapp.example.com' }, objects)
        .matchedRule?.index;

    it.each<[string, Conditions, number]>([
      ['a header exact match', { headers: { 'X-Canary': 'true' } }, 0],
      ['a uri regex match', { path: '/v2/items' }, 0],
      [
        'a uri regex that must match the whole path',
        { path: '/api/v2/items' },
        2,
      ],
      [
        'uri prefix AND header prefix',
        { path: '/legacy/x', headers: { 'user-agent': 'curl/8' } },
        1,
      ],
      ['only one condition of a block', { path: '/legacy/x' }, 2],
      ['the port', { port: 8080 }, 1],
      ['nothing special', {}, 2],
    ])('matches on %s', (_, request, index) => {
      expect(matched(request)).toBe(index);
    });
  });
});
