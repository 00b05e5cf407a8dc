import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildBlueGreenManifests } from '../manifests/build';
import { manifestFiles } from '../manifests/files';
import { blueGreenInputSchema, parseBlueGreenInput } from '../manifests/input';
import { examples } from './render.examples';

export const RENDER_ACTION_ID = 'bluegreen:manifests:render';

/**
 * `bluegreen:manifests:render`: writes the Kubernetes and Istio manifests of a blue/green
 * service (Namespace, Deployments per colour, Services, Gateway, DestinationRules,
 * VirtualServices) into the workspace, each checked against its published schema.
 *
 * Its input and output are described by the action's JSON schema (see the template examples);
 * the TypeScript types are left general, because the types TypeScript infers from the zod schema
 * list their members in an order that changes between compilations.
 *
 * @public
 */
export function createBlueGreenManifestsRenderAction(): TemplateAction<
  any,
  any,
  'v2'
> {
  return createTemplateAction({
    id: RENDER_ACTION_ID,
    description:
      'Writes validated Kubernetes and Istio manifests for a blue/green service: Deployments per colour, Services with protocol-named ports, Gateway, DestinationRules and VirtualServices (colour hosts, round robin or weighted shared host, in-mesh colour affinity).',
    examples,
    supportsDryRun: true,
    schema: {
      input: z => blueGreenInputSchema(z),
      output: z =>
        z.object({
          files: z
            .array(z.string())
            .describe('Workspace-relative paths of the written files'),
          targetPath: z
            .string()
            .describe('Directory holding the manifests and kustomization.yaml'),
          namespace: z.string().describe('Namespace of the objects'),
          sharedHost: z
            .string()
            .describe('The host split between colours, <name>.<domain>'),
          colourHosts: z
            .record(z.string())
            .describe('Host of each colour, when colour hosts are on'),
          istioHosts: z
            .string()
            .describe('Value for the bluegreen/istio-hosts annotation'),
          labelSelector: z
            .string()
            .describe(
              'Value for the backstage.io/kubernetes-label-selector annotation',
            ),
        }),
    },
    async handler(ctx) {
      // The scaffolder checks the input against the JSON schema only; defaults and cross-field
      // rules (weights, colours, images) are applied here.
      const spec = parseBlueGreenInput(ctx.input);
      const { manifests, hosts, labelSelector } = buildBlueGreenManifests(spec);
      const files = manifestFiles(manifests, spec.targetPath);

      for (const file of files) {
        const target = resolveSafeChildPath(ctx.workspacePath, file.path);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, file.content, 'utf8');
      }
      ctx.logger.info(
        `Wrote ${manifests.length} objects for ${spec.colours.join('/')} to ${
          spec.targetPath
        }: ${files.map(f => f.path).join(', ')}`,
      );

      ctx.output(
        'files',
        files.map(f => f.path),
      );
      ctx.output('targetPath', spec.targetPath);
      ctx.output('namespace', spec.namespace);
      ctx.output('sharedHost', hosts.shared);
      ctx.output('colourHosts', hosts.colours);
      ctx.output('istioHosts', hosts.istioHosts.join(', '));
      ctx.output('labelSelector', labelSelector);
    },
  });
}
