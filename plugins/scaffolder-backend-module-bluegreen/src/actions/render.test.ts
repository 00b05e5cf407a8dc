import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';
import yaml from 'js-yaml';
import { createBlueGreenManifestsRenderAction } from './render';
import { examples } from './render.examples';

describe('bluegreen:manifests:render', () => {
  const action = createBlueGreenManifestsRenderAction();
  const workspace = createMockDirectory();

  beforeEach(() => workspace.clear());

  // Input as the scaffolder hands it over: raw, checked only against the JSON schema.
  type Context = Parameters<typeof action.handler>[0];
  async function run(input: JsonObject) {
    const ctx = createMockActionContext({
      input,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as Context);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it.each(examples.map(e => [e.description, e.example]))(
    'runs the example: %s',
    async (_, example) => {
      const { steps } = yaml.load(example) as {
        steps: { action: string; input: JsonObject }[];
      };
      expect(steps[0].action).toBe(action.id);
      const outputs = await run(steps[0].input);
      expect(outputs.files.length).toBeGreaterThan(2);
      const written = workspace.content() ?? {};
      for (const file of outputs.files) {
        const content = file
          .split('/')
          .reduce((dir: any, part: string) => dir?.[part], written);
        expect(typeof content).toBe('string');
        for (const doc of yaml.loadAll(content)) {
          expect(doc).toEqual(
            expect.objectContaining({ kind: expect.any(String) }),
          );
        }
      }
    },
  );

  it('writes one object per file under k8s/ with a kustomization listing them in order', async () => {
    const outputs = await run({
      name: 'shop',
      namespace: 'shop',
      domain: 'example.com',
      service: { image: 'shop:1' },
    });
    expect(outputs.files).toEqual([
      'k8s/namespace.yaml',
      'k8s/gateway.yaml',
      'k8s/shop/deployment-blue.yaml',
      'k8s/shop/deployment-green.yaml',
      'k8s/shop/service.yaml',
      'k8s/shop/destinationrule.yaml',
      'k8s/shop/virtualservice.yaml',
      'k8s/kustomization.yaml',
    ]);
    const kustomization = yaml.load(
      workspace.content({ path: 'k8s' })?.['kustomization.yaml'] as string,
    ) as { resources: string[] };
    expect(kustomization.resources).toEqual(
      outputs.files.slice(0, -1).map((f: string) => f.replace('k8s/', '')),
    );
    expect(
      yaml.load(
        workspace.content({ path: 'k8s/shop' })?.[
          'deployment-green.yaml'
        ] as string,
      ),
    ).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'shop-green',
        labels: { app: 'shop', version: 'green' },
      },
    });
  });

  it('sets the hosts and annotation values as outputs', async () => {
    const outputs = await run({
      name: 'pii-demo',
      namespace: 'pii-demo',
      domain: 'apps.hl.test',
      service: { name: 'httpd-server', image: 'httpd:2' },
      database: { name: 'mysql-server', image: 'mysql:8.0', port: 3306 },
      targetPath: 'deploy',
    });
    expect(outputs).toMatchObject({
      targetPath: 'deploy',
      namespace: 'pii-demo',
      sharedHost: 'pii-demo.apps.hl.test',
      colourHosts: {
        blue: 'pii-demo-blue.apps.hl.test',
        green: 'pii-demo-green.apps.hl.test',
      },
      istioHosts: 'pii-demo.apps.hl.test, mysql-server',
      labelSelector: 'app in (httpd-server,mysql-server)',
    });
  });

  it('refuses bad input before writing anything', async () => {
    await expect(
      run({
        name: 'shop',
        namespace: 'shop',
        domain: 'example.com',
        service: { image: 'shop:1' },
        routing: { sharedHost: 'weighted', weights: [70, 20] },
      }),
    ).rejects.toThrow('routing.weights: weights add up to 90, not 100');
    expect(workspace.content()).toEqual({});
  });

  it('publishes a JSON schema for the template editor and form validation', () => {
    const properties = (action.schema?.input as any).properties;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining([
        'name',
        'namespace',
        'domain',
        'colours',
        'routing',
        'database',
      ]),
    );
    expect(properties.istioApiVersion.enum).toEqual([
      'v1',
      'v1beta1',
      'v1alpha3',
    ]);
    expect(action.supportsDryRun).toBe(true);
  });
});
