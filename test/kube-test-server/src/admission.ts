import { FieldError, invalid } from './errors';
import { ResourceType } from './registry';
import {
  LabelSelector,
  labelSelectorRequirements,
  matchesLabels,
} from './selectors';
import { JsonObject, KubeObject, StoredObject } from './types';
import { AddressPool, isJsonObject } from './util';

// RFC 1123 subdomain, which is what most Kubernetes object names must be.
const SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const FIRST_NODE_PORT = 30000;

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1123_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function required(field: string, detail = ''): FieldError {
  return {
    field,
    message: `Required value${detail ? `: ${detail}` : ''}`,
    reason: 'FieldValueRequired',
  };
}

function invalidValue(
  field: string,
  value: unknown,
  detail: string,
): FieldError {
  return {
    field,
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  };
}

function objectAt(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

function listAt(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.map(objectAt) : [];
}

/** Names of Services and Namespaces are DNS labels; most other kinds' are subdomains. */
function validateName(kind: string, name: string): FieldError[] {
  const field = 'metadata.name';
  if (kind === 'Service') {
    return name.length > 63 || !LABEL_1035.test(name)
      ? [invalidValue(field, name, LABEL_1035_MESSAGE)]
      : [];
  }
  if (kind === 'Namespace') {
    return name.length > 63 || !LABEL_1123.test(name)
      ? [invalidValue(field, name, LABEL_1123_MESSAGE)]
      : [];
  }
  return name.length > 253 || !SUBDOMAIN.test(name)
    ? [invalidValue(field, name, SUBDOMAIN_MESSAGE)]
    : [];
}

/** Label keys are qualified names (an optional DNS-subdomain prefix), values short words. */
export function validateLabels(labels: unknown, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(objectAt(labels))) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const namePart = slash >= 0 ? key.slice(slash + 1) : key;
    if (
      prefix !== undefined &&
      (!SUBDOMAIN.test(prefix) || prefix.length > 253)
    ) {
      errors.push(invalidValue(field, key, `prefix part ${SUBDOMAIN_MESSAGE}`));
    } else if (namePart.length > 63 || !QUALIFIED_NAME_PART.test(namePart)) {
      errors.push(invalidValue(field, key, QUALIFIED_NAME_MESSAGE));
    }
    if (
      typeof value === 'string' &&
      (value.length > 63 || !LABEL_VALUE.test(value))
    ) {
      errors.push(invalidValue(field, value, LABEL_VALUE_MESSAGE));
    }
  }
  return errors;
}

function validatePort(field: string, port: unknown): FieldError[] {
  return typeof port === 'number' &&
    Number.isInteger(port) &&
    port >= 1 &&
    port <= 65535
    ? []
    : [
        port === undefined
          ? required(field)
          : invalidValue(field, port, 'must be between 1 and 65535, inclusive'),
      ];
}

/** What kubectl users hit first in a pod spec: container names, images, ports. */
function validatePodSpec(podSpec: JsonObject, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const containers = listAt(podSpec.containers);
  if (containers.length === 0) {
    errors.push(required(`${path}.containers`));
  }
  const seen = new Set<unknown>();
  for (const [list, items] of [
    ['initContainers', listAt(podSpec.initContainers)],
    ['containers', containers],
  ] as const) {
    items.forEach((container, i) => {
      const at = `${path}.${list}[${i}]`;
      const name = container.name;
      if (!name) {
        errors.push(required(`${at}.name`));
      } else if (
        typeof name !== 'string' ||
        !LABEL_1123.test(name) ||
        name.length > 63
      ) {
        errors.push(invalidValue(`${at}.name`, name, LABEL_1123_MESSAGE));
      } else if (seen.has(name)) {
        errors.push({
          field: `${at}.name`,
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${JSON.stringify(name)}`,
        });
      }
      seen.add(name);
      if (!container.image) {
        errors.push(required(`${at}.image`));
      }
      listAt(container.ports).forEach((port, j) => {
        errors.push(
          ...validatePort(
            `${at}.ports[${j}].containerPort`,
            port.containerPort,
          ),
        );
      });
    });
  }
  return errors;
}

function validateReplicas(spec: JsonObject): FieldError[] {
  const replicas = spec.replicas;
  return typeof replicas === 'number' && replicas < 0
    ? [
        invalidValue(
          'spec.replicas',
          replicas,
          'must be greater than or equal to 0',
        ),
      ]
    : [];
}

function validateWorkload(object: KubeObject): FieldError[] {
  const spec = objectAt(object.spec);
  const template = objectAt(spec.template);
  const templateMeta = objectAt(template.metadata);
  const errors: FieldError[] = [...validateReplicas(spec)];
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
    errors.push(
      invalidValue(
        'spec.template.metadata.labels',
        templateMeta.labels ?? {},
        '`selector` does not match template `labels`',
      ),
    );
  }
  errors.push(
    ...validateLabels(templateMeta.labels, 'spec.template.metadata.labels'),
    ...validatePodSpec(objectAt(template.spec), 'spec.template.spec'),
  );
  return errors;
}

function validatePod(object: KubeObject): FieldError[] {
  return validatePodSpec(objectAt(object.spec), 'spec');
}

function validateService(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  listAt(objectAt(object.spec).ports).forEach((port, i) => {
    errors.push(...validatePort(`spec.ports[${i}].port`, port.port));
    if (typeof port.targetPort === 'number') {
      errors.push(
        ...validatePort(`spec.ports[${i}].targetPort`, port.targetPort),
      );
    }
  });
  return errors;
}

const VALIDATORS: Record<string, (object: KubeObject) => FieldError[]> = {
  'apps/Deployment': validateWorkload,
  'apps/ReplicaSet': validateWorkload,
  'apps/StatefulSet': validateWorkload,
  'apps/DaemonSet': validateWorkload,
  '/Pod': validatePod,
  '/Service': validateService,
};

/**
 * What the API server does to an object before storing it: defaulting (including allocated
 * addresses) and validation, which answers 422 Invalid naming the offending fields.
 */
export class Admission {
  private readonly clusterIps = new AddressPool('10.96');
  private nextNodePort = FIRST_NODE_PORT;

  /**
   * Returns the object to store; `existing` is the stored object on update. `schemaErrors`
   * (from the kind's schema) are reported in the same 422 as admission's own.
   */
  admit(
    type: ResourceType,
    object: KubeObject,
    existing?: StoredObject,
    schemaErrors: FieldError[] = [],
  ): KubeObject {
    const errors: FieldError[] = [];
    const name = object.metadata.name ?? '';
    if (!name && !object.metadata.generateName) {
      errors.push(
        required('metadata.name', 'name or generateName is required'),
      );
    } else if (name) {
      errors.push(...validateName(type.kind, name));
    }
    errors.push(
      ...validateLabels(object.metadata.labels, 'metadata.labels'),
      ...schemaErrors,
      ...(VALIDATORS[`${type.group}/${type.kind}`]?.(object) ?? []),
    );
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
