import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'js-yaml';
import { myappInput, piiDemoInput } from '../manifests/scenarioInputs';

function step(name: string, input: Record<string, unknown>): string {
  return yaml.dump({
    steps: [
      {
        id: 'render',
        action: 'bluegreen:manifests:render',
        name,
        input,
      },
    ],
  });
}

export const examples: TemplateExample[] = [
  {
    description:
      'A web service in blue and green with the defaults: colour hosts through a new Gateway, round robin on the shared host, in-mesh colour affinity, manifests in k8s/.',
    example: step('Render blue/green manifests', {
      name: 'shop',
      namespace: 'shop',
      domain: 'apps.example.com',
      service: { image: 'ghcr.io/acme/shop:1.4.0' },
    }),
  },
  {
    description:
      'A web tier and a MySQL tier (the pii-demo shape): each colour runs its own image, both tiers keep in-mesh colour affinity, and the MySQL port is named tcp-3306.',
    example: step('Render a two-tier service', {
      ...piiDemoInput,
      istioApiVersion: 'v1beta1',
    }),
  },
  {
    description:
      'Versions v1 and v2 split 50/50 by weight on one host; no colour hosts and no mesh affinity (the myapp shape).',
    example: step('Render a weighted switch', {
      ...myappInput,
      istioApiVersion: 'v1alpha3',
    }),
  },
  {
    description:
      'Blue/green routing for a service whose Deployments already run: only DestinationRule and VirtualService, bound to an existing shared Gateway in istio-system, written to deploy/istio/.',
    example: step('Add blue/green routing', {
      name: 'billing',
      namespace: 'payments',
      domain: 'internal.example.com',
      service: { name: 'billing-api', port: 8080 },
      includeWorkloads: false,
      gateway: { create: false, name: 'istio-system/shared-gateway' },
      targetPath: 'deploy/istio',
    }),
  },
];
