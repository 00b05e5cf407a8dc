import {
  KubeTestServer,
  missingKubectlTools,
  runKubectl,
  selfSignedCertificate,
  startKubeTestServer,
} from '@internal/kube-test-server';
import yaml from 'js-yaml';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { examples } from './actions/render.examples';
import { buildBlueGreenManifests } from './manifests/build';
import { manifestFiles } from './manifests/files';
import { parseBlueGreenInput } from './manifests/input';

/*
 * What a platform team does with the output: `kubectl apply -k <targetPath>`. kubectl sends
 * bearer tokens only over TLS, so the test server gets a throwaway self-signed certificate.
 */

const missingTools = missingKubectlTools();
if (missingTools.length) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the kubectl tests: ${missingTools.join(' and ')} not on the PATH`,
  );
}

(missingTools.length ? describe.skip : describe)(
  'kubectl apply -k of the rendered manifests',
  () => {
    let dir: string;
    let server: KubeTestServer;

    const kubectl = (...args: string[]) =>
      runKubectl([
        '--server',
        server.url,
        '--token',
        server.token,
        '--insecure-skip-tls-verify',
        '--cache-dir',
        path.join(dir, 'cache'),
        ...args,
      ]);

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-kubectl-'));
      server = await startKubeTestServer({ tls: selfSignedCertificate(dir) });
    });

    afterAll(async () => {
      await server?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it.each(examples.map((e, i) => [i + 1, e.example]))(
      'accepts every object of example %i',
      async (index, example) => {
        const { steps } = yaml.load(example as string) as {
          steps: { input: unknown }[];
        };
        const spec = parseBlueGreenInput(steps[0].input);
        const { manifests } = buildBlueGreenManifests(spec);
        const root = path.join(dir, `example-${index}`);
        for (const file of manifestFiles(manifests, spec.targetPath)) {
          fs.mkdirSync(path.dirname(path.join(root, file.path)), {
            recursive: true,
          });
          fs.writeFileSync(path.join(root, file.path), file.content);
        }
        if (!spec.includeWorkloads) {
          // Routing for a service that already runs: its namespace exists.
          // (From a file: `kubectl create namespace` sends protobuf, which the test server refuses.)
          const namespaceFile = path.join(root, 'namespace.json');
          fs.writeFileSync(
            namespaceFile,
            JSON.stringify({
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: spec.namespace },
            }),
          );
          const created = await kubectl('create', '-f', namespaceFile);
          if (created.code !== 0) {
            throw new Error(
              `kubectl could not create the namespace: ${created.stderr}`,
            );
          }
        }

        const applied = await kubectl(
          'apply',
          '-k',
          path.join(root, spec.targetPath),
        );
        expect(applied).toMatchObject({ code: 0, stderr: '' });
        expect(applied.stdout.trim().split('\n')).toHaveLength(
          manifests.length,
        );

        const listed = await kubectl(
          'get',
          '-n',
          spec.namespace,
          '-o',
          'name',
          'deployments,services,gateways.networking.istio.io,virtualservices.networking.istio.io,destinationrules.networking.istio.io',
        );
        expect(listed.code).toBe(0);
        const expected = manifests
          .filter(m => m.object.kind !== 'Namespace')
          .map(m => {
            const group = m.object.apiVersion.includes('/')
              ? m.object.apiVersion.split('/')[0]
              : '';
            return `${m.object.kind.toLowerCase()}${group ? `.${group}` : ''}/${
              m.object.metadata.name
            }`;
          });
        expect(listed.stdout.trim().split('\n').sort()).toEqual(
          expected.sort(),
        );
      },
    );
  },
);
