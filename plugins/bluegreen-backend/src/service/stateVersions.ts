import { ANNOTATION_KUBERNETES_LABEL_SELECTOR } from '@bluegreen-istio/plugin-bluegreen-common';
import { createHash } from 'node:crypto';
import type { BlueGreenTarget } from './BlueGreenStateService';

/*
 * The one place that says when two state answers are the same: a computed state is reused, and
 * an encoded response sent again (or a 304 answered), only under the key and version composed
 * here. Whatever the state depends on besides the cluster's objects must be named in
 * `readingOf`, or a changed annotation would be served the state computed before the change.
 */

/** How the entity's annotations are read: the same objects read otherwise give another state. */
function readingOf(target: BlueGreenTarget): unknown[] {
  return [
    target.namespace ?? '',
    target.annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR] ?? '',
    target.hosts,
  ];
}

/** The key of an entity's computed state in one cluster. */
export function clusterStateKey(
  target: BlueGreenTarget,
  cluster: string,
): string {
  return JSON.stringify([target.entityRef, cluster, ...readingOf(target)]);
}

/**
 * The version of an entity's whole answer: the same for as long as every cluster's cached
 * objects stay the same (`version` is {@link ClusterObjectSource.liveVersion}); undefined when a
 * cluster was not read from a live cache. Names the clusters too, so a changed cluster annotation
 * is a different answer.
 */
export function responseVersion(
  target: BlueGreenTarget,
  clusters: Array<{ cluster: string; version?: string }>,
): string | undefined {
  if (!clusters.every(c => c.version)) {
    return undefined;
  }
  return JSON.stringify([
    ...readingOf(target),
    clusters.map(c => [c.cluster, c.version]),
  ]);
}

/**
 * The ETag of an encoded body. Derived from the bytes rather than the version, so it stays right
 * across backend restarts, whose versions start again from zero.
 */
export function entityTag(json: Buffer): string {
  return `"${createHash('sha1').update(json).digest('base64url')}"`;
}
