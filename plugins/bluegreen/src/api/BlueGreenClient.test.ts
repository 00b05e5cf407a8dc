import { registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import {
  myappState,
  piiDemoRoundRobinExplanation,
} from '../__fixtures__/states';
import { BlueGreenClient } from './BlueGreenClient';

const baseUrl = 'http://backstage.test/api/bluegreen';

describe('BlueGreenClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new BlueGreenClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('reads the state of an entity', async () => {
    server.use(
      rest.get(`${baseUrl}/state`, (req, res, ctx) =>
        req.url.searchParams.get('entityRef') === 'component:default/myapp'
          ? res(ctx.json(myappState))
          : res(ctx.status(500)),
      ),
    );

    await expect(
      client.getState({ entityRef: 'component:default/myapp' }),
    ).resolves.toEqual(myappState);
  });

  it('posts the request to explain', async () => {
    let body: unknown;
    server.use(
      rest.post(`${baseUrl}/explain`, async (req, res, ctx) => {
        body = await req.json();
        return res(ctx.json(piiDemoRoundRobinExplanation));
      }),
    );

    const request = {
      entityRef: 'component:default/pii-demo',
      host: 'pii-demo.apps.hl.test',
      sourceLabels: { version: 'green' },
    };
    await expect(client.explain(request)).resolves.toEqual(
      piiDemoRoundRobinExplanation,
    );
    expect(body).toEqual(request);
  });

  it("surfaces the backend's message when the entity lacks the annotation", async () => {
    const message =
      "component:default/legacy has no 'bluegreen/istio-hosts' annotation: add it to the entity's catalog-info.yaml";
    server.use(
      rest.get(`${baseUrl}/state`, (_req, res, ctx) =>
        res(
          ctx.status(400),
          ctx.json({
            error: { name: 'InputError', message },
            response: { statusCode: 400 },
          }),
        ),
      ),
    );

    const error = await client
      .getState({ entityRef: 'component:default/legacy' })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    expect(error.cause.name).toBe('InputError');
    expect(error.cause.message).toBe(message);
  });

  it('reports a 403 with the permission the backend names', async () => {
    server.use(
      rest.post(`${baseUrl}/explain`, (_req, res, ctx) =>
        res(
          ctx.status(403),
          ctx.json({
            error: {
              name: 'NotAllowedError',
              message:
                'You may not read the blue/green state of component:default/myapp (permission bluegreen.state.read)',
            },
            response: { statusCode: 403 },
          }),
        ),
      ),
    );

    await expect(
      client.explain({ entityRef: 'component:default/myapp', host: 'myapp' }),
    ).rejects.toMatchObject({
      statusCode: 403,
      cause: { message: expect.stringContaining('bluegreen.state.read') },
    });
  });

  it('lists cutovers with the filters as query parameters', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      rest.get(`${baseUrl}/cutovers`, (req, res, ctx) => {
        query = req.url.searchParams;
        return res(ctx.json({ items: [], nextCursor: 'c2' }));
      }),
    );
    await expect(
      client.listCutovers({
        status: ['requested', 'approved'],
        approvableBy: 'me',
        limit: 25,
        cursor: 'c1',
      }),
    ).resolves.toEqual({ items: [], nextCursor: 'c2' });
    expect(Object.fromEntries(query!)).toEqual({
      status: 'requested,approved',
      approvableBy: 'me',
      limit: '25',
      cursor: 'c1',
    });
  });

  it('posts a decision with its comment to the cutover', async () => {
    let body: unknown;
    server.use(
      rest.post(`${baseUrl}/cutovers/c%2F1/reject`, async (req, res, ctx) => {
        body = await req.json();
        return res(ctx.json({ id: 'c/1', status: 'rejected' }));
      }),
    );
    await expect(
      client.rejectCutover('c/1', { comment: 'not today' }),
    ).resolves.toMatchObject({ status: 'rejected' });
    expect(body).toEqual({ comment: 'not today' });
  });

  it("surfaces a 409's message when a request is open", async () => {
    server.use(
      rest.post(`${baseUrl}/cutovers`, (_req, res, ctx) =>
        res(
          ctx.status(409),
          ctx.json({
            error: {
              name: 'ConflictError',
              message: 'a request is open: c-7',
            },
            response: { statusCode: 409 },
          }),
        ),
      ),
    );
    await expect(
      client.requestCutover({
        entityRef: 'component:default/myapp',
        action: { action: 'switch', colour: 'v2' },
        reason: 'release',
      }),
    ).rejects.toMatchObject({
      statusCode: 409,
      cause: { message: 'a request is open: c-7' },
    });
  });
  it.each([
    ['promoteRollout', 'promote'],
    ['pauseRollout', 'pause'],
    ['resumeRollout', 'resume'],
    ['abortRollout', 'abort'],
  ] as const)('%s posts to /cutovers/:id/%s', async (method, verb) => {
    let body: unknown;
    server.use(
      rest.post(`${baseUrl}/cutovers/r-1/${verb}`, async (req, res, ctx) => {
        body = await req.json();
        return res(ctx.json({ id: 'r-1', status: 'progressing' }));
      }),
    );
    await expect(client[method]('r-1')).resolves.toMatchObject({
      id: 'r-1',
    });
    expect(body).toEqual({});
  });

  it("reads a rollout's metrics", async () => {
    server.use(
      rest.get(`${baseUrl}/cutovers/r-1/metrics`, (_req, res, ctx) =>
        res(ctx.json({ cutoverId: 'r-1', series: [] })),
      ),
    );
    await expect(client.getRolloutMetrics('r-1')).resolves.toMatchObject({
      cutoverId: 'r-1',
    });
  });
});
