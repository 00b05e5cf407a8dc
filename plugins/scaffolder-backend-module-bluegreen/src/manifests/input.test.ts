import { parseBlueGreenInput } from './input';
import { myappInput, piiDemoInput } from './scenarioInputs';

describe('parseBlueGreenInput', () => {
  it('fills in the defaults: blue/green, port 80 http, colour hosts, round robin, affinity, Istio v1, k8s/', () => {
    expect(
      parseBlueGreenInput({
        name: 'shop',
        namespace: 'shop',
        domain: 'apps.example.com',
        service: { image: 'shop:1' },
      }),
    ).toEqual({
      name: 'shop',
      namespace: 'shop',
      domain: 'apps.example.com',
      colours: ['blue', 'green'],
      service: {
        name: 'shop',
        images: { blue: 'shop:1', green: 'shop:1' },
        port: 80,
        protocol: 'http',
        replicas: 1,
      },
      database: undefined,
      routing: { colourHosts: true, weights: undefined, meshAffinity: true },
      gateway: {
        create: true,
        ref: 'shop-gateway',
        selector: { istio: 'ingressgateway' },
      },
      istioApiVersion: 'v1',
      includeWorkloads: true,
      targetPath: 'k8s',
    });
  });

  it('lets images name a colour and image cover the rest', () => {
    const spec = parseBlueGreenInput({
      ...piiDemoInput,
      colours: ['blue', 'green', 'canary'],
      service: { image: 'web:1', images: { canary: 'web:2' } },
    });
    expect(spec.service.images).toEqual({
      blue: 'web:1',
      green: 'web:1',
      canary: 'web:2',
    });
  });

  it('defaults TCP affinity of the database to the mesh affinity of the web tier', () => {
    expect(parseBlueGreenInput(piiDemoInput).database?.tcpAffinity).toBe(true);
    expect(
      parseBlueGreenInput({
        ...piiDemoInput,
        routing: { meshAffinity: false },
      }).database?.tcpAffinity,
    ).toBe(false);
  });

  it('needs no images when only the routing is written', () => {
    const spec = parseBlueGreenInput({
      name: 'billing',
      namespace: 'payments',
      domain: 'example.com',
      includeWorkloads: false,
      gateway: { create: false, name: 'istio-system/shared' },
    });
    expect(spec.service.images).toEqual({});
    expect(spec.gateway).toEqual({
      create: false,
      ref: 'istio-system/shared',
      selector: { istio: 'ingressgateway' },
    });
  });

  it.each([
    [
      'weights that do not add up to 100',
      { routing: { sharedHost: 'weighted', weights: [60, 30] } },
      'routing.weights: weights add up to 90, not 100 (60 + 30)',
    ],
    [
      'a weight count that differs from the colours',
      { routing: { sharedHost: 'weighted', weights: [100] } },
      'routing.weights: 1 weight(s) for 2 colours (blue, green)',
    ],
    [
      'weighted routing without weights',
      { routing: { sharedHost: 'weighted' } },
      "routing.weights: sharedHost 'weighted' needs one weight per colour",
    ],
    [
      'weights for round robin',
      { routing: { weights: [50, 50] } },
      "routing.weights: weights apply only to sharedHost 'weighted'",
    ],
    [
      'a weight over 100',
      { routing: { sharedHost: 'weighted', weights: [150, -50] } },
      'routing.weights.0: weights must be between 0 and 100',
    ],
    [
      'fewer than two colours',
      { colours: ['blue'] },
      'colours: blue/green needs at least two colours',
    ],
    [
      'a duplicate colour',
      { colours: ['blue', 'green', 'blue'] },
      "colours.2: colour 'blue' is listed twice",
    ],
    [
      'a colour that is no DNS label',
      { colours: ['blue', 'Green'] },
      'colours.1: each colour must be a DNS label',
    ],
    [
      'an invalid namespace',
      { namespace: 'PII_demo' },
      'namespace: namespace must be a DNS label',
    ],
    [
      'an invalid domain',
      { domain: 'apps..test' },
      'domain: domain must be a lowercase DNS name',
    ],
    [
      'a Service name starting with a digit',
      { service: { name: '1httpd', image: 'x' } },
      'service.name: service.name must be a DNS label: lowercase letters, digits and -, starting with a letter',
    ],
    [
      'port 0',
      { service: { port: 0, image: 'x' } },
      'service.port: service.port must be between 1 and 65535',
    ],
    [
      'a database port over 65535',
      { database: { name: 'db', image: 'mysql:8.0', port: 70000 } },
      'database.port: database.port must be between 1 and 65535',
    ],
    [
      'a colour without an image',
      { service: { images: { blue: 'web:1' } } },
      'service.image: no image for colour(s) green',
    ],
    [
      'an image for an unknown colour',
      { service: { image: 'web:1', images: { purple: 'web:2' } } },
      "service.images.purple: 'purple' is not one of the colours (blue, green)",
    ],
    [
      'TCP affinity that disagrees with mesh affinity',
      {
        database: {
          name: 'db',
          image: 'mysql:8.0',
          port: 3306,
          tcpAffinity: false,
        },
      },
      'database.tcpAffinity: must match routing.meshAffinity (true)',
    ],
    [
      'a database named like the web tier',
      { database: { name: 'pii-demo', image: 'mysql:8.0', port: 3306 } },
      "database.name: the database tier needs a name of its own; 'pii-demo' is the web tier's",
    ],
    [
      'a new Gateway in another namespace',
      { gateway: { name: 'istio-system/public' } },
      'gateway.name: a new Gateway is written to namespace pii-demo; give a plain name, or set gateway.create to false',
    ],
    [
      'a Gateway reference that is no name',
      { gateway: { create: false, name: 'a/b/c' } },
      "gateway.name: 'a/b/c' is not a Gateway reference",
    ],
    [
      'a target path leaving the workspace',
      { targetPath: '../elsewhere' },
      "targetPath: '../elsewhere' must be a relative path inside the workspace",
    ],
    [
      'an unknown Istio API version',
      { istioApiVersion: 'v2' },
      "istioApiVersion: Invalid enum value. Expected 'v1' | 'v1beta1' | 'v1alpha3'",
    ],
  ])('refuses %s, naming the field', (_, change, message) => {
    const input = {
      name: 'pii-demo',
      namespace: 'pii-demo',
      domain: 'apps.hl.test',
      service: { image: 'web:1' },
      ...change,
    };
    expect(() => parseBlueGreenInput(input)).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringContaining(message),
      }),
    );
  });

  it('reports every problem at once', () => {
    expect(() =>
      parseBlueGreenInput({
        ...myappInput,
        colours: ['v1', 'v1'],
        routing: { sharedHost: 'weighted', weights: [50, 40] },
      }),
    ).toThrow(
      /colours\.1: colour 'v1' is listed twice.*; routing\.weights: weights add up to 90/,
    );
  });
});
