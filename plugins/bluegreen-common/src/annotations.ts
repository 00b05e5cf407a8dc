/**
 * Required: the host(s) users reach the service by, comma-separated.
 *
 * @public
 */
export const ANNOTATION_ISTIO_HOSTS = 'bluegreen/istio-hosts';
/**
 * Optional, shared with the Kubernetes plugin: which configured cluster(s) to read,
 * comma-separated; default every cluster.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_CLUSTER = 'backstage.io/kubernetes-cluster';
/**
 * Alias of {@link ANNOTATION_KUBERNETES_CLUSTER}, read only when that one is absent.
 *
 * @public
 * @deprecated Annotate `backstage.io/kubernetes-cluster` ({@link ANNOTATION_KUBERNETES_CLUSTER}).
 */
export const ANNOTATION_CLUSTER = 'bluegreen/cluster';
/**
 * Optional, shared with the Kubernetes plugin: a label selector that narrows the Deployments and
 * pods counted in each colour, e.g. `app=myapp` when other workloads share the subset labels.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
/**
 * Optional: how many approvals a cutover needs; default 1.
 *
 * @public
 */
export const ANNOTATION_APPROVALS = 'bluegreen/approvals';
/**
 * Optional, shared with the Kubernetes plugin: the namespace to look in; default all.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/**
 * Splits a comma-separated annotation value into its trimmed, non-empty items.
 *
 * @public
 */
export function parseAnnotationList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/*
 * Optional per-entity defaults of a progressive rollout, over the configured ones
 * (bluegreen.rollouts) and under what a request names.
 */
/**
 * The new colour's percent at each step, comma-separated, increasing, ending at 100: `10,30,50,100`.
 *
 * @public
 */
export const ANNOTATION_ROLLOUT_STEPS = 'bluegreen/rollout-steps';
/**
 * How long each step is watched before its gates are evaluated: `90s`, `2m` or seconds (`90`).
 *
 * @public
 */
export const ANNOTATION_ROLLOUT_INTERVAL = 'bluegreen/rollout-interval';
/**
 * `auto` (advance when the gates pass) or `manual` (then wait for a promote).
 *
 * @public
 */
export const ANNOTATION_ROLLOUT_MODE = 'bluegreen/rollout-mode';
/**
 * Lowest success rate (non-5xx) of the new colour, in percent: `99.5`.
 *
 * @public
 */
export const ANNOTATION_ROLLOUT_MIN_SUCCESS_RATE =
  'bluegreen/rollout-min-success-rate';
/**
 * Highest p99 request duration of the new colour, in milliseconds: `300`.
 *
 * @public
 */
export const ANNOTATION_ROLLOUT_MAX_P99_MS = 'bluegreen/rollout-max-p99-ms';
/**
 * Fewest requests the new colour must serve in an interval for its gates to count: `50`.
 *
 * @public
 */
export const ANNOTATION_ROLLOUT_MIN_REQUESTS = 'bluegreen/rollout-min-requests';
/**
 * Intervals in a row without data that are waited out before the rollout fails: `2`.
 *
 * @public
 */
export const ANNOTATION_ROLLOUT_NO_DATA_INTERVALS =
  'bluegreen/rollout-no-data-intervals';
