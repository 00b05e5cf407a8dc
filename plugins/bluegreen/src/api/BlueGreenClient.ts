import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BlueGreenStateResponse,
  Cutover,
  CutoverDecisionBody,
  CutoverHistory,
  CutoverList,
  CutoverPreview,
  CutoverRequestBody,
  ExplainRequest,
  ExplainResponse,
  RolloutDecisionBody,
  RolloutMetrics,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  BlueGreenApi,
  CutoverHistoryQuery,
  ListCutoversQuery,
} from './BlueGreenApi';

function postJson(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function queryString(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      query.set(name, value);
    }
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

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
    return this.request('/explain', postJson(request));
  }

  async previewCutover(body: CutoverRequestBody): Promise<CutoverPreview> {
    return this.request('/cutovers/preview', postJson(body));
  }

  async requestCutover(body: CutoverRequestBody): Promise<Cutover> {
    return this.request('/cutovers', postJson(body));
  }

  async listCutovers(query: ListCutoversQuery): Promise<CutoverList> {
    return this.request(
      `/cutovers${queryString({
        entityRef: query.entityRef,
        status: query.status?.join(','),
        approvableBy: query.approvableBy,
        limit: query.limit?.toString(),
        cursor: query.cursor,
      })}`,
    );
  }

  async getCutover(id: string): Promise<Cutover> {
    return this.request(`/cutovers/${encodeURIComponent(id)}`);
  }

  async approveCutover(
    id: string,
    body: CutoverDecisionBody = {},
  ): Promise<Cutover> {
    return this.decide(id, 'approve', body);
  }

  async rejectCutover(
    id: string,
    body: CutoverDecisionBody = {},
  ): Promise<Cutover> {
    return this.decide(id, 'reject', body);
  }

  async cancelCutover(
    id: string,
    body: CutoverDecisionBody = {},
  ): Promise<Cutover> {
    return this.decide(id, 'cancel', body);
  }

  async getCutoverHistory(query: CutoverHistoryQuery): Promise<CutoverHistory> {
    return this.request(
      `/history${queryString({
        entityRef: query.entityRef,
        limit: query.limit?.toString(),
        cursor: query.cursor,
      })}`,
    );
  }

  async promoteRollout(
    id: string,
    body: RolloutDecisionBody = {},
  ): Promise<Cutover> {
    return this.decide(id, 'promote', body);
  }

  async pauseRollout(
    id: string,
    body: RolloutDecisionBody = {},
  ): Promise<Cutover> {
    return this.decide(id, 'pause', body);
  }

  async resumeRollout(
    id: string,
    body: RolloutDecisionBody = {},
  ): Promise<Cutover> {
    return this.decide(id, 'resume', body);
  }

  async abortRollout(
    id: string,
    body: RolloutDecisionBody = {},
  ): Promise<Cutover> {
    return this.decide(id, 'abort', body);
  }

  async getRolloutMetrics(id: string): Promise<RolloutMetrics> {
    return this.request(`/cutovers/${encodeURIComponent(id)}/metrics`);
  }

  private async decide(
    id: string,
    decision:
      | 'approve'
      | 'reject'
      | 'cancel'
      | 'promote'
      | 'pause'
      | 'resume'
      | 'abort',
    body: CutoverDecisionBody,
  ): Promise<Cutover> {
    return this.request(
      `/cutovers/${encodeURIComponent(id)}/${decision}`,
      postJson(body),
    );
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
