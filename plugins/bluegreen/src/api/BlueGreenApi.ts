import { createApiRef } from '@backstage/core-plugin-api';
import {
  BlueGreenStateResponse,
  ExplainRequest,
  ExplainResponse,
} from '@internal/plugin-bluegreen-common';

/**
 * Reads blue/green state and routing explanations from the bluegreen backend.
 *
 * @public
 */
export interface BlueGreenApi {
  /** The state of an entity in every cluster it is looked up in. */
  getState(request: { entityRef: string }): Promise<BlueGreenStateResponse>;
  /** How one request would be routed, per cluster. */
  explain(request: ExplainRequest): Promise<ExplainResponse>;
}

/** @public */
export const bluegreenApiRef = createApiRef<BlueGreenApi>({
  id: 'plugin.bluegreen.api',
});
