import { invalid } from './errors';
import { ResourceType } from './registry';
import {
  LabelSelector,
  labelSelectorRequirements,
  matchesLabels,
} from './selectors';
import { JsonObject, KubeObject, StoredObject } from './types';
import { AddressPool, isJsonObject } from './util';

interface FieldError {
  field: string;
  message: string;
  reason?: string;
}

// RFC 1123 subdomain, which is what most Kubernetes object names must be.
const NAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const FIRST_NODE_PORT = 30000;

function required(field: string): FieldError {
  return { field, message: 'Required value', reason: 'FieldValueRequired' };
}

function validateWorkload(object: KubeObject): FieldError[] {
  const spec = isJsonObject(object.spec) ? object.spec : {};
  const template = isJsonObject(spec.template) ? spec.template : {};
  const templateMeta = isJsonObject(template.metadata) ? template.metadata : {};
  const podSpec = isJsonObject(template.spec) ? template.spec : {};
  const errors: FieldError[] = [];
  const selector = isJsonObject(spec.selector)
    ? (spec.selector as LabelSelector)
    : undefined;
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) {
    errors.push(required('spec.selector'));
  } else if (
    !matchesLabels(
      labelSelectorRequirements(selector) ?? [],
      templateMeta.labels as Record<string, string> | undefined,
    )
  ) {
    errors.push({
      field: 'spec.template.metadata.labels',
      message: '`selector` does not match template `labels`',
    });
  }
  if (!Array.isArray(podSpec.containers) || podSpec.containers.length === 0) {
    errors.push(required('spec.template.spec.containers'));
  }
  return errors;
}

function validatePod(object: KubeObject): FieldError[] {
  const spec = isJsonObject(object.spec) ? object.spec : {};
  return Array.isArray(spec.containers) && spec.containers.length > 0
    ? []
    : [required('spec.containers')];
}

const VALIDATORS: Record<string, (object: KubeObject) => FieldError[]> = {
  'apps/Deployment': validateWorkload,
  'apps/ReplicaSet': validateWorkload,
  '/Pod': validatePod,
};

/**
 * What the API server does to an object before storing it: defaulting (including allocated
 * addresses) and validation, which answers 422 Invalid naming the offending fields.
 */
export class Admission {
  private readonly clusterIps = new AddressPool('10.96');
  private nextNodePort = FIRST_NODE_PORT;

  /** Returns the object to store; `existing` is the stored object on update. */
  admit(
    type: ResourceType,
    object: KubeObject,
    existing?: StoredObject,
  ): KubeObject {
    const errors: FieldError[] = [];
    const name = object.metadata.name ?? '';
    if (!name && !object.metadata.generateName) {
      errors.push({
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
        reason: 'FieldValueRequired',
      });
    } else if (name && (name.length > 253 || !NAME.test(name))) {
      errors.push({
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      });
    }
    errors.push(...(VALIDATORS[`${type.group}/${type.kind}`]?.(object) ?? []));
    if (errors.length > 0) {
      throw invalid(type.kind, type.group, name, errors);
    }
    return this.applyDefaults(type, object, existing);
  }

  private applyDefaults(
    type: ResourceType,
    object: KubeObject,
    existing?: StoredObject,
  ): KubeObject {
    switch (`${type.group}/${type.kind}`) {
      case '/Namespace':
        return {
          ...object,
          metadata: {
            ...object.metadata,
            labels: {
              ...object.metadata.labels,
              'kubernetes.io/metadata.name': object.metadata.name!,
            },
          },
          spec: { finalizers: ['kubernetes'], ...(object.spec as JsonObject) },
          status: { phase: 'Active' },
        };
      case '/Service':
        return this.defaultService(object, existing);
      case 'apps/Deployment':
        return {
          ...object,
          spec: {
            replicas: 1,
            revisionHistoryLimit: 10,
            progressDeadlineSeconds: 600,
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
            },
            ...(object.spec as JsonObject),
          },
        };
      case 'apps/ReplicaSet':
        return {
          ...object,
          spec: { replicas: 1, ...(object.spec as JsonObject) },
        };
      default:
        return object;
    }
  }

  /** Cluster IPs and node ports are allocated once and survive updates that omit them. */
  private defaultService(
    object: KubeObject,
    existing?: StoredObject,
  ): KubeObject {
    const spec = { ...(object.spec as JsonObject) };
    const previous = isJsonObject(existing?.spec) ? existing!.spec : {};
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (spec.type !== 'ExternalName') {
      spec.clusterIP ??= previous.clusterIP ?? this.clusterIps.allocate();
      spec.clusterIPs ??= [spec.clusterIP];
    }
    const previousPorts = Array.isArray(previous.ports)
      ? (previous.ports as JsonObject[])
      : [];
    if (Array.isArray(spec.ports)) {
      spec.ports = (spec.ports as JsonObject[]).map(port => {
        const defaulted: JsonObject = {
          protocol: 'TCP',
          targetPort: port.port,
          ...port,
        };
        if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
          defaulted.nodePort ??=
            previousPorts.find(p => p.port === port.port)?.nodePort ??
            this.nextNodePort++;
        }
        return defaulted;
      });
    }
    return { ...object, spec };
  }
}
