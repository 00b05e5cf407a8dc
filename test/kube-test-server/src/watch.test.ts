import { KubeTestServer, startKubeTestServer } from './server';
import { WatchStream, call } from './testUtils';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

function configMap(name: string, labels: Record<string, string> = {}) {
  return { metadata: { name, labels }, data: { key: name } };
}

describe('watch', () => {
  let server: KubeTestServer;
  const streams: WatchStream[] = [];
  const watch = async (path: string) => {
    const stream = await WatchStream.open(server, path);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    server = await startKubeTestServer({
      watchWindow: 20,
      bookmarkIntervalMs: 50,
    });
  });
  afterEach(() => streams.splice(0).forEach(stream => stream.close()));
  afterAll(() => server.close());

  it('streams ADDED, MODIFIED and DELETED after the listed resourceVersion', async () => {
    await call(server, 'POST', CONFIGMAPS, { body: configMap('before') });
    const list = (await call(server, 'GET', CONFIGMAPS)).body;
    const stream = await watch(
      `${CONFIGMAPS}?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
    );

    await call(server, 'POST', CONFIGMAPS, { body: configMap('a') });
    await call(server, 'PATCH', `${CONFIGMAPS}/a`, {
      body: { data: { key: 'changed' } },
      contentType: 'application/merge-patch+json',
    });
    await call(server, 'DELETE', `${CONFIGMAPS}/a`);

    const events = await stream.waitFor(3);
    expect(events.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'a'],
      ['MODIFIED', 'a'],
      ['DELETED', 'a'],
    ]);
    expect(events[0].object).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
    });
    expect(events[1].object.data.key).toBe('changed');
    const versions = events.map(e => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(versions[0]).toBeGreaterThan(Number(list.metadata.resourceVersion));
  });

  it('replays missed events from an older resourceVersion, and starts with ADDED for all without one', async () => {
    const start = (await call(server, 'GET', CONFIGMAPS)).body.metadata
      .resourceVersion;
    await call(server, 'POST', CONFIGMAPS, { body: configMap('replayed') });
    const replay = await watch(
      `${CONFIGMAPS}?watch=1&resourceVersion=${start}`,
    );
    expect(
      (await replay.waitFor(1)).map(e => [e.type, e.object.metadata.name]),
    ).toEqual([['ADDED', 'replayed']]);

    const fromScratch = await watch(`${CONFIGMAPS}?watch=true`);
    const names = (await fromScratch.waitFor(2)).map(
      e => e.object.metadata.name,
    );
    expect(names).toEqual(expect.arrayContaining(['before', 'replayed']));
  });

  it('turns label changes into ADDED/DELETED for filtered watches', async () => {
    await call(server, 'POST', CONFIGMAPS, {
      body: configMap('colour', { version: 'blue' }),
    });
    const rv = (await call(server, 'GET', CONFIGMAPS)).body.metadata
      .resourceVersion;
    const stream = await watch(
      `${CONFIGMAPS}?watch=true&labelSelector=version%3Dgreen&resourceVersion=${rv}`,
    );
    const relabel = (version: string) =>
      call(server, 'PATCH', `${CONFIGMAPS}/colour`, {
        body: { metadata: { labels: { version } } },
        contentType: 'application/merge-patch+json',
      });
    await relabel('green');
    await call(server, 'PATCH', `${CONFIGMAPS}/colour`, {
      body: { data: { key: 'x' } },
      contentType: 'application/merge-patch+json',
    });
    await relabel('blue');
    expect((await stream.waitFor(3)).map(e => e.type)).toEqual([
      'ADDED',
      'MODIFIED',
      'DELETED',
    ]);
  });

  it('answers an expired resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const old = (await call(server, 'GET', CONFIGMAPS)).body.metadata
      .resourceVersion;
    for (let i = 0; i < 25; i++) {
      await call(server, 'POST', CONFIGMAPS, {
        body: configMap(`filler-${i}`),
      });
    }
    const stream = await watch(
      `${CONFIGMAPS}?watch=true&resourceVersion=${old}`,
    );
    const [event] = await stream.waitFor(1);
    expect(event).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    await stream.waitFor(2, 1000).catch(() => undefined);
    expect(stream.ended).toBe(true);

    const invalid = await call(
      server,
      'GET',
      `${CONFIGMAPS}?watch=true&resourceVersion=abc`,
    );
    expect(invalid.status).toBe(400);
  });

  it('sends bookmarks when allowed and ends after timeoutSeconds', async () => {
    const rv = (await call(server, 'GET', CONFIGMAPS)).body.metadata
      .resourceVersion;
    const stream = await watch(
      `${CONFIGMAPS}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const events = await stream.waitFor(2);
    expect(events[0]).toEqual({
      type: 'BOOKMARK',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
      },
    });
    const started = Date.now();
    await stream.waitFor(1000, 3000).catch(() => undefined);
    expect(stream.ended).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('watches across namespaces and only the asked namespace otherwise', async () => {
    await call(server, 'POST', '/api/v1/namespaces', {
      body: { metadata: { name: 'other' } },
    });
    const rv = (await call(server, 'GET', CONFIGMAPS)).body.metadata
      .resourceVersion;
    const all = await watch(
      `/api/v1/configmaps?watch=true&resourceVersion=${rv}`,
    );
    const other = await watch(
      `/api/v1/namespaces/other/configmaps?watch=true&resourceVersion=${rv}`,
    );
    await call(server, 'POST', CONFIGMAPS, { body: configMap('in-default') });
    await call(server, 'POST', '/api/v1/namespaces/other/configmaps', {
      body: configMap('in-other'),
    });
    expect((await all.waitFor(2)).map(e => e.object.metadata.name)).toEqual([
      'in-default',
      'in-other',
    ]);
    expect((await other.waitFor(1)).map(e => e.object.metadata.name)).toEqual([
      'in-other',
    ]);
  });

  it('delivers the events of open watches late, in order, under a watch-lag fault', async () => {
    await call(server, 'POST', '/api/v1/namespaces', {
      body: { metadata: { name: 'on-time' } },
    });
    const rv = (await call(server, 'GET', CONFIGMAPS)).body.metadata
      .resourceVersion;
    const lagged = await watch(
      `${CONFIGMAPS}?watch=true&resourceVersion=${rv}`,
    );
    const other = await watch(
      `/api/v1/namespaces/on-time/configmaps?watch=true&resourceVersion=${rv}`,
    );
    server.injectFault({ type: 'watch-lag', path: '/default/', lagMs: 400 });
    const written = Date.now();
    await call(server, 'POST', CONFIGMAPS, { body: configMap('late-1') });
    await call(server, 'POST', CONFIGMAPS, { body: configMap('late-2') });
    await call(server, 'POST', '/api/v1/namespaces/on-time/configmaps', {
      body: configMap('on-time'),
    });
    await other.waitFor(1);
    expect(Date.now() - written).toBeLessThan(300);
    expect(lagged.events.filter(e => e.type !== 'BOOKMARK')).toEqual([]);
    server.clearFaults();
    // Cleared while two events wait: what happens next still comes after them.
    await call(server, 'POST', CONFIGMAPS, { body: configMap('late-3') });
    const events = await lagged.waitFor(3);
    expect(Date.now() - written).toBeGreaterThanOrEqual(390);
    expect(
      events
        .filter(e => e.type !== 'BOOKMARK')
        .map(e => e.object.metadata.name),
    ).toEqual(['late-1', 'late-2', 'late-3']);
  });
});
