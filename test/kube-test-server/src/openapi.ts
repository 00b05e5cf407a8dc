import { ResourceRegistry, ResourceType, groupVersion } from './registry';
import { Schemas } from './schema';
import { JsonObject } from './types';
import { fnv32a } from './util';

/**
 * Minimal OpenAPI v3 documents. They carry no schemas: they tell kubectl that PATCH accepts
 * `fieldValidation` for the kinds whose schema the server checks writes against (see Schemas:
 * unknown fields, types, Istio's enums), so `kubectl --validate=strict` sends Strict and the
 * server, not a schema download, refuses what is wrong.
 */
export class OpenApi {
  private readonly schemas = new Schemas();

  constructor(private readonly registry: ResourceRegistry) {}

  /** `/openapi/v3`: where each group version's document is. */
  root(): JsonObject {
    const paths: JsonObject = {};
    for (const [group, version] of this.groupVersions()) {
      const path = group ? `apis/${group}/${version}` : `api/${version}`;
      const hash = fnv32a(
        JSON.stringify(this.document(group, version)),
      ).toString(16);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
    }
    return { paths };
  }

  /** `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`; undefined if not served. */
  documentFor(path: string): JsonObject | undefined {
    const match =
      /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!match) {
      return undefined;
    }
    const [group, version] = match[1] ? ['', match[1]] : [match[2], match[3]];
    return this.registry.typesIn(group, version).length > 0
      ? this.document(group, version)
      : undefined;
  }

  private groupVersions(): Array<[string, string]> {
    const seen = new Set<string>();
    const result: Array<[string, string]> = [];
    for (const type of this.registry.types) {
      for (const version of type.versions) {
        const key = groupVersion(type.group, version);
        if (!seen.has(key)) {
          seen.add(key);
          result.push([type.group, version]);
        }
      }
    }
    return result;
  }

  private document(group: string, version: string): JsonObject {
    const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const paths: JsonObject = {};
    for (const type of this.registry
      .typesIn(group, version)
      .filter(t => this.schemas.hasSchema(t))) {
      paths[`${prefix}/${resourcePath(type)}`] = {
        patch: {
          operationId: `patch${type.kind}`,
          'x-kubernetes-action': 'patch',
          'x-kubernetes-group-version-kind': {
            group,
            version,
            kind: type.kind,
          },
          parameters: [
            { name: 'dryRun', in: 'query', schema: { type: 'string' } },
            { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
            {
              name: 'fieldValidation',
              in: 'query',
              schema: { type: 'string' },
            },
          ],
          responses: { '200': { description: 'OK' } },
        },
      };
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
      paths,
      components: { schemas: {} },
    };
  }
}

function resourcePath(type: ResourceType): string {
  return type.namespaced
    ? `namespaces/{namespace}/${type.plural}/{name}`
    : `${type.plural}/{name}`;
}
