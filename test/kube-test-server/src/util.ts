import { JsonObject } from './types';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => deepEqual(item, b[i]))
    );
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keysA = Object.keys(a).filter(k => a[k] !== undefined);
    const keysB = Object.keys(b).filter(k => b[k] !== undefined);
    return (
      keysA.length === keysB.length && keysA.every(k => deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/**
 * Stored objects are shared between readers (HTTP responses, watch streams, the controller), so
 * they are frozen: an accidental in-place edit throws instead of silently corrupting the store.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

/** A mutable deep copy of a (possibly frozen) JSON value. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** JSON with sorted keys, so equal objects hash equally whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .filter(k => value[k] !== undefined)
      .sort()
      .map(k => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 32-bit FNV-1a, the hash Kubernetes uses for pod-template-hash. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Kubernetes' alphabet for generated names: no vowels (no words) and no look-alike characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Maps each character onto the safe alphabet, as `rand.SafeEncodeString` does in Kubernetes. */
export function safeEncode(text: string): string {
  return Array.from(
    text,
    c => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length],
  ).join('');
}

export function randomSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) {
    suffix += SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)];
  }
  return suffix;
}

/** Hands out addresses in a /16, e.g. cluster IPs from 10.96.0.0/16. */
export class AddressPool {
  private next = 1;

  constructor(private readonly prefix: string) {}

  allocate(): string {
    const n = this.next++;
    return `${this.prefix}.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }
}
