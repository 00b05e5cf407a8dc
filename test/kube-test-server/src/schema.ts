import * as clientNode from '@kubernetes/client-node';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { FieldError } from './errors';
import { ResourceType } from './registry';
import { JsonObject, KubeObject } from './types';
import { isJsonObject } from './util';

/**
 * What to do with fields the schema does not know (the `fieldValidation` query parameter):
 * fail the request (Strict), drop them with a `Warning` header (Warn, the API server's default)
 * or drop them silently (Ignore).
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export const FIELD_VALIDATIONS: FieldValidation[] = [
  'Strict',
  'Warn',
  'Ignore',
];

/** What checking an object against its kind's schema found. */
export interface SchemaCheck {
  /** The object without the unknown fields, as the API server would store it. */
  pruned: KubeObject;
  /** Paths of unknown fields as the API server names them: `spec.http[0].bogus`. */
  unknownFields: string[];
  /** Values the API server could not decode at all (built-in kinds answer 400 for those). */
  decodeError?: string;
  /** Schema violations, answered with 422 Invalid (custom resources). */
  causes: FieldError[];
}

/**
 * A JSON schema node as the Istio model package publishes it (the CRDs' OpenAPI v3 schemas).
 * Only what pruning needs is typed.
 */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  schema?: unknown;
  parentSchema?: JsonSchema;
  data?: unknown;
}

interface IstioModel {
  new (data?: object): { validate(): void };
}

/** The models are published for v1beta1; v1 and v1alpha3 of these kinds share its schema. */
const ISTIO_MODELS: Record<string, IstioModel> = {
  VirtualService: VirtualService as unknown as IstioModel,
  DestinationRule: DestinationRule as unknown as IstioModel,
  Gateway: Gateway as unknown as IstioModel,
};
const ISTIO_MODEL_VERSION = 'networking.istio.io/v1beta1';

function validationErrors(run: () => void): AjvError[] {
  try {
    run();
    return [];
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) {
      throw error;
    }
    return errors;
  }
}

/**
 * The schema of a kind's `spec`. The model package registers its schemas with a validator that
 * reports the failing schema node (ajv's verbose errors), so a deliberately wrong `spec` yields it.
 */
function specSchema(Model: IstioModel): JsonSchema {
  const errors = validationErrors(() => new Model({ spec: 0 }).validate());
  const schema = errors.find(e => e.instancePath === '/spec')?.parentSchema;
  if (!schema) {
    throw new Error('the Istio model did not report its spec schema');
  }
  return schema;
}

const ISTIO_SPEC_SCHEMAS = new Map(
  Object.entries(ISTIO_MODELS).map(([kind, model]) => [
    kind,
    specSchema(model),
  ]),
);

/** `/spec/http/0/route` → `spec.http[0].route`, the way Kubernetes names fields. */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map(token => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, token) =>
        /^\d+$/.test(token)
          ? `${path}[${token}]`
          : `${path}${path ? '.' : ''}${token}`,
      '',
    );
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

/** An ajv error in the words of the API server's OpenAPI validation. */
function causeFor(error: AjvError): FieldError {
  const field = fieldPath(error.instancePath);
  switch (error.keyword) {
    case 'type': {
      const actual = jsonType(error.data);
      return {
        field,
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${actual}": ${field} in body must be of type ${error.params.type}: "${actual}"`,
      };
    }
    case 'enum':
      return {
        field,
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(
          error.data,
        )}: supported values: ${(error.params.allowedValues as unknown[])
          .map(v => JSON.stringify(v))
          .join(', ')}`,
      };
    case 'required': {
      const missing = `${field}${field ? '.' : ''}${
        error.params.missingProperty
      }`;
      return {
        field: missing,
        reason: 'FieldValueRequired',
        message: 'Required value',
      };
    }
    case 'oneOf':
      return {
        field,
        message: `Invalid value: ${JSON.stringify(
          error.data,
        )}: must validate one and only one schema (oneOf)`,
      };
    default:
      return {
        field,
        message: `Invalid value: ${JSON.stringify(error.data)}: ${
          error.message ?? error.keyword
        }`,
      };
  }
}

/**
 * Drops fields a structural schema does not declare, collecting their paths. Objects without
 * declared properties (Istio's `status`, free-form `struct` fields) keep everything, as
 * `x-kubernetes-preserve-unknown-fields` does.
 */
function pruneBySchema(
  value: unknown,
  schema: JsonSchema,
  path: string,
  unknown: string[],
): unknown {
  if (Array.isArray(value)) {
    return schema.items
      ? value.map((item, i) =>
          pruneBySchema(item, schema.items!, `${path}[${i}]`, unknown),
        )
      : value;
  }
  if (!isJsonObject(value)) {
    return value;
  }
  if (schema.properties && Object.keys(schema.properties).length > 0) {
    const result: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.properties[key];
      if (childSchema) {
        result[key] = pruneBySchema(
          child,
          childSchema,
          `${path}.${key}`,
          unknown,
        );
      } else {
        unknown.push(`${path}.${key}`);
      }
    }
    return result;
  }
  if (isJsonObject(schema.additionalProperties)) {
    const valueSchema = schema.additionalProperties as JsonSchema;
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        pruneBySchema(child, valueSchema, `${path}.${key}`, unknown),
      ]),
    );
  }
  return value;
}

interface Attribute {
  baseName: string;
  type: string;
  format: string;
}

type ModelClass = { getAttributeTypeMap(): Attribute[] };

/** client-node's generated model classes, which carry each built-in type's fields and types. */
function modelClass(name: string): ModelClass | undefined {
  const candidate = (clientNode as unknown as Record<string, unknown>)[name];
  return typeof (candidate as ModelClass | undefined)?.getAttributeTypeMap ===
    'function'
    ? (candidate as ModelClass)
    : undefined;
}

/** What Go's JSON decoder calls a JSON value in "cannot unmarshal X into ..." errors. */
function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  return typeof value;
}

/**
 * Walks an object of a built-in kind along client-node's type map (the Kubernetes OpenAPI
 * types): drops and collects unknown fields and finds values the API server's decoder refuses
 * (a string where an integer belongs, an object where a list belongs).
 */
class BuiltInDecoder {
  readonly unknown: string[] = [];
  error?: string;

  decode(
    value: unknown,
    type: string,
    format: string,
    path: string,
    owner: string,
  ): unknown {
    if (value === null || value === undefined || type === 'any') {
      return value;
    }
    const list = /^Array<(.+)>$/.exec(type);
    if (list) {
      if (!Array.isArray(value)) {
        return this.refuse(value, path, owner, `[]${list[1]}`);
      }
      return value.map((item, i) =>
        this.decode(item, list[1], '', `${path}[${i}]`, owner),
      );
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      if (!isJsonObject(value)) {
        return this.refuse(value, path, owner, `map[string]${map[1]}`);
      }
      return Object.fromEntries(
        Object.entries(value).map(([key, child]) => [
          key,
          this.decode(child, map[1], '', `${path}.${key}`, owner),
        ]),
      );
    }
    const model = modelClass(type);
    if (model) {
      if (!isJsonObject(value)) {
        return this.refuse(value, path, owner, type);
      }
      const attributes = new Map(
        model.getAttributeTypeMap().map(a => [a.baseName, a]),
      );
      const result: JsonObject = {};
      for (const [key, child] of Object.entries(value)) {
        const attribute = attributes.get(key);
        const childPath = `${path}${path ? '.' : ''}${key}`;
        if (attribute) {
          result[key] = this.decode(
            child,
            attribute.type,
            attribute.format,
            childPath,
            type.replace(/^(V\d+(alpha\d+|beta\d+)?|Core|Apps)/, ''),
          );
        } else {
          this.unknown.push(childPath);
        }
      }
      return result;
    }
    if (type === 'number' && typeof value !== 'number') {
      return this.refuse(value, path, owner, format || 'number');
    }
    if (type === 'boolean' && typeof value !== 'boolean') {
      return this.refuse(value, path, owner, 'bool');
    }
    return value;
  }

  private refuse(
    value: unknown,
    path: string,
    owner: string,
    goType: string,
  ): unknown {
    this.error ??= `json: cannot unmarshal ${goJsonType(
      value,
    )} into Go struct field ${owner}.${path.replace(
      /\[\d+\]/g,
      '',
    )} of type ${goType}`;
    return value;
  }
}

/** The client-node model of a built-in kind: V1Deployment, V2HorizontalPodAutoscaler, … */
function builtInModel(type: ResourceType): string | undefined {
  const name = `${type.versions[0].toUpperCase()}${type.kind}`;
  return modelClass(name) ? name : undefined;
}

const OBJECT_ROOT = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'status',
]);

/** Checks objects against the schemas the API server would use for their kinds. */
export class Schemas {
  /** Whether the server knows the full schema of the kind (and so finds unknown fields). */
  hasSchema(type: ResourceType): boolean {
    return ISTIO_MODELS[type.kind] !== undefined || !!builtInModel(type);
  }

  check(type: ResourceType, object: KubeObject): SchemaCheck {
    if (type.group === 'networking.istio.io' && ISTIO_MODELS[type.kind]) {
      return this.checkIstio(type, object);
    }
    const model = builtInModel(type);
    if (!model) {
      return { pruned: object, unknownFields: [], causes: [] };
    }
    const decoder = new BuiltInDecoder();
    const pruned = decoder.decode(object, model, '', '', type.kind);
    return {
      pruned: pruned as KubeObject,
      unknownFields: decoder.unknown,
      decodeError: decoder.error,
      causes: [],
    };
  }

  private checkIstio(type: ResourceType, object: KubeObject): SchemaCheck {
    const unknownFields: string[] = [];
    const pruned: JsonObject = {};
    for (const [key, value] of Object.entries(object)) {
      if (!OBJECT_ROOT.has(key)) {
        unknownFields.push(key);
      } else if (key === 'spec') {
        pruned.spec = pruneBySchema(
          value,
          ISTIO_SPEC_SCHEMAS.get(type.kind)!,
          'spec',
          unknownFields,
        );
      } else {
        pruned[key] = value;
      }
    }
    // Metadata is ObjectMeta for custom resources too.
    const metaDecoder = new BuiltInDecoder();
    pruned.metadata = metaDecoder.decode(
      pruned.metadata,
      'V1ObjectMeta',
      '',
      'metadata',
      'ObjectMeta',
    );
    unknownFields.push(...metaDecoder.unknown);
    const Model = ISTIO_MODELS[type.kind];
    const errors = validationErrors(() =>
      new Model({ ...pruned, apiVersion: ISTIO_MODEL_VERSION }).validate(),
    )
      // Failures inside oneOf/anyOf/not branches explain the oneOf failure; the API server
      // reports only the oneOf itself.
      .filter(e => !/\/(oneOf|anyOf|not)\//.test(e.schemaPath))
      .filter(e => e.instancePath !== '/apiVersion');
    return {
      pruned: pruned as KubeObject,
      unknownFields,
      causes: errors.map(causeFor),
    };
  }
}
