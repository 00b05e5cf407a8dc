/** Required: the host(s) users reach the service by, comma-separated. */
export const ANNOTATION_ISTIO_HOSTS = 'bluegreen/istio-hosts';
/** Optional: which configured cluster(s) to read, comma-separated; default every cluster. */
export const ANNOTATION_CLUSTER = 'bluegreen/cluster';
/** Optional: how many approvals a cutover needs; default 1. */
export const ANNOTATION_APPROVALS = 'bluegreen/approvals';
/** Optional, shared with the Kubernetes plugin: the namespace to look in; default all. */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/** Splits a comma-separated annotation value into its trimmed, non-empty items. */
export function parseAnnotationList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}
