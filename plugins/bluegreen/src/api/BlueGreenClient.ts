import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BlueGreenStateResponse,
  ExplainRequest,
  ExplainResponse,
} from '@internal/plugin-bluegreen-common';
import { BlueGreenApi } from './BlueGreenApi';

/**
 * Talks to the bluegreen backend plugin. Failed requests throw a `ResponseError` whose `cause`
 * carries the backend's message (e.g. which annotation is missing).
 *
 * @public
 */
export class BlueGreenClient implements BlueGreenApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getState(request: {
    entityRef: string;
  }): Promise<BlueGreenStateResponse> {
    const query = new URLSearchParams({ entityRef: request.entityRef });
    return this.request(`/state?${query}`);
  }

  async explain(request: ExplainRequest): Promise<ExplainResponse> {
    return this.request('/explain', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('bluegreen');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
