import {
  VERBS,
  ResourceRegistry,
  ResourceType,
  groupVersion,
} from './registry';
import { JsonObject } from './types';

/** The Kubernetes release the server claims to be; clients pick API features by it. */
export function versionInfo(): JsonObject {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.3',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function resourceEntries(type: ResourceType): JsonObject[] {
  const entries: JsonObject[] = [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: [...VERBS],
      ...(type.shortNames && { shortNames: type.shortNames }),
      ...(type.categories && { categories: type.categories }),
    },
  ];
  if (type.statusSubresource) {
    entries.push({
      name: `${type.plural}/status`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: SUBRESOURCE_VERBS,
    });
  }
  if (type.scaleSubresource) {
    entries.push({
      name: `${type.plural}/scale`,
      singularName: '',
      namespaced: type.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: SUBRESOURCE_VERBS,
    });
  }
  return entries;
}

/** The discovery documents kubectl and client libraries read before anything else. */
export class Discovery {
  constructor(private readonly registry: ResourceRegistry) {}

  /** `/api`: the legacy core group's versions. */
  coreVersions(serverAddress: string): JsonObject {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  /** `/apis` */
  groupList(): JsonObject {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.registry
        .groups()
        .map(group => this.groupEntry(group.name, group.versions)),
    };
  }

  /** `/apis/<group>`, or undefined for an unknown group. */
  group(name: string): JsonObject | undefined {
    const group = this.registry.groups().find(g => g.name === name);
    return (
      group && {
        kind: 'APIGroup',
        apiVersion: 'v1',
        ...this.groupEntry(group.name, group.versions),
      }
    );
  }

  /** `/api/v1` and `/apis/<group>/<version>`, or undefined when not served. */
  resourceList(group: string, version: string): JsonObject | undefined {
    const types = this.registry.typesIn(group, version);
    if (types.length === 0) {
      return undefined;
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: groupVersion(group, version),
      resources: types.flatMap(resourceEntries),
    };
  }

  private groupEntry(name: string, versions: string[]): JsonObject {
    const entries = versions.map(version => ({
      groupVersion: groupVersion(name, version),
      version,
    }));
    return { name, versions: entries, preferredVersion: entries[0] };
  }
}
