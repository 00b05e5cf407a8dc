import { badRequest } from './errors';
import { KubeObject } from './types';

/**
 * One requirement of a label selector. `!=` and `notin` also match objects without the label,
 * as in Kubernetes.
 */
export type LabelRequirement =
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | 'doesnotexist' };

export type Labels = Record<string, string> | undefined;

/** A structured selector as found in a Deployment's `spec.selector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

// A label key is an optional DNS-subdomain prefix and a name; values are names or empty.
const KEY = '[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?';
const VALUE = '(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?';
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(${KEY})$`);
const NOT_EXISTS = new RegExp(`^!\\s*(${KEY})$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

/** Splits on commas that are not inside `in (...)` / `notin (...)` value lists. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** Parses the `labelSelector` query syntax; throws a 400 BadRequest on bad syntax. */
export function parseLabelSelector(
  text: string | undefined | null,
): LabelRequirement[] {
  if (!text || !text.trim()) {
    return [];
  }
  return splitTopLevel(text).map(raw => {
    const part = raw.trim();
    let match = EQUALITY.exec(part);
    if (match) {
      return {
        key: match[1],
        operator: match[2] === '!=' ? 'notin' : 'in',
        values: [match[3]],
      };
    }
    match = SET.exec(part);
    if (match) {
      const values = match[3].split(',').map(v => v.trim());
      if (values.some(v => !VALUE_ONLY.test(v))) {
        throw badRequest(
          `unable to parse requirement: invalid label value in "${part}"`,
        );
      }
      return { key: match[1], operator: match[2] as 'in' | 'notin', values };
    }
    match = NOT_EXISTS.exec(part);
    if (match) {
      return { key: match[1], operator: 'doesnotexist' };
    }
    match = EXISTS.exec(part);
    if (match) {
      return { key: match[1], operator: 'exists' };
    }
    throw badRequest(
      `unable to parse requirement: found '${part}', expected a label requirement`,
    );
  });
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Labels,
): boolean {
  return requirements.every(req => {
    const has =
      labels !== undefined &&
      Object.prototype.hasOwnProperty.call(labels, req.key);
    switch (req.operator) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && req.values.includes(labels![req.key]);
      case 'notin':
        return !has || !req.values.includes(labels![req.key]);
      default:
        return false;
    }
  });
}

/**
 * Converts a structured selector to requirements. A missing selector selects nothing (a Service
 * without a selector has no managed endpoints); an empty one selects everything.
 */
export function labelSelectorRequirements(
  selector: LabelSelector | undefined,
): LabelRequirement[] | undefined {
  if (!selector) {
    return undefined;
  }
  const requirements: LabelRequirement[] = Object.entries(
    selector.matchLabels ?? {},
  ).map(([key, value]) => ({ key, operator: 'in', values: [value] }));
  for (const expr of selector.matchExpressions ?? []) {
    const operator = expr.operator.toLowerCase();
    if (operator === 'in' || operator === 'notin') {
      requirements.push({ key: expr.key, operator, values: expr.values ?? [] });
    } else if (operator === 'exists' || operator === 'doesnotexist') {
      requirements.push({ key: expr.key, operator });
    } else {
      throw badRequest(`invalid label selector operator "${expr.operator}"`);
    }
  }
  return requirements;
}

/** Renders requirements in query syntax, e.g. for a Scale's `status.selector`. */
export function formatLabelSelector(requirements: LabelRequirement[]): string {
  return requirements
    .map(req => {
      switch (req.operator) {
        case 'exists':
          return req.key;
        case 'doesnotexist':
          return `!${req.key}`;
        default:
          return req.values.length === 1
            ? `${req.key}${req.operator === 'in' ? '=' : '!='}${req.values[0]}`
            : `${req.key} ${req.operator} (${req.values.join(',')})`;
      }
    })
    .join(',');
}

export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  equals: boolean;
  value: string;
}

const FIELD = /^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$/;
const SUPPORTED_FIELDS = new Set(['metadata.name', 'metadata.namespace']);

/** Parses a `fieldSelector`; like Kubernetes, only the fields it indexes are accepted. */
export function parseFieldSelector(
  text: string | undefined | null,
): FieldRequirement[] {
  if (!text || !text.trim()) {
    return [];
  }
  return text.split(',').map(raw => {
    const match = FIELD.exec(raw.trim());
    if (!match) {
      throw badRequest(`invalid field selector: '${raw}'`);
    }
    if (!SUPPORTED_FIELDS.has(match[1])) {
      throw badRequest(`field label not supported: ${match[1]}`);
    }
    return {
      field: match[1] as FieldRequirement['field'],
      equals: match[2] !== '!=',
      value: match[3].trim(),
    };
  });
}

export function matchesFields(
  requirements: FieldRequirement[],
  object: KubeObject,
): boolean {
  return requirements.every(req => {
    const actual =
      (req.field === 'metadata.name'
        ? object.metadata.name
        : object.metadata.namespace) ?? '';
    return (actual === req.value) === req.equals;
  });
}

/** Label and field requirements together, as list and watch take them. */
export interface ObjectFilter {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

export function parseFilter(
  labelSelector: string | null | undefined,
  fieldSelector: string | null | undefined,
): ObjectFilter {
  return {
    labels: parseLabelSelector(labelSelector),
    fields: parseFieldSelector(fieldSelector),
  };
}

export function matchesFilter(
  filter: ObjectFilter,
  object: KubeObject,
): boolean {
  return (
    matchesLabels(filter.labels, object.metadata.labels) &&
    matchesFields(filter.fields, object)
  );
}
