/*
 * The cutover planner: current objects + requested action → the changes, splits and pre-flight
 * checks. Pure, like the model: it reads and writes nothing.
 */
export { planRollback, planSplit } from './plan';
export type { ClusterInput } from './plan';
