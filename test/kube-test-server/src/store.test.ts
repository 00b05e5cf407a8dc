import { ResourceRegistry } from './registry';
import { Store, StoreEvent } from './store';

const registry = new ResourceRegistry();
const configMaps = registry.get('', 'configmaps');
const pods = registry.get('', 'pods');

function configMap(name: string, data: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns' },
    data,
  };
}

describe('Store', () => {
  it('stamps created objects and counts one global resourceVersion', () => {
    const store = new Store(100);
    const a = store.create(configMaps, configMap('a'));
    const b = store.create(pods, { metadata: { name: 'p', namespace: 'ns' } });
    expect(a.metadata).toMatchObject({
      name: 'a',
      generation: 1,
      resourceVersion: '1',
    });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(b.metadata.resourceVersion).toBe('2');
    expect(store.resourceVersion).toBe('2');
    expect(Object.isFrozen(a.metadata)).toBe(true);
  });

  it('refuses duplicates and generates names', () => {
    const store = new Store(100);
    store.create(configMaps, configMap('a'));
    expect(() => store.create(configMaps, configMap('a'))).toThrow(
      expect.objectContaining({ code: 409, reason: 'AlreadyExists' }),
    );
    const generated = store.create(configMaps, {
      metadata: { generateName: 'cfg-', namespace: 'ns' },
    });
    expect(generated.metadata.name).toMatch(/^cfg-[a-z0-9]{5}$/);
  });

  it('updates with a resourceVersion precondition and grows generation on spec changes only', () => {
    const store = new Store(100);
    const created = store.create(configMaps, configMap('a', { k: '1' }));
    const labelled = store.update(configMaps, {
      ...created,
      metadata: { ...created.metadata, labels: { x: 'y' } },
    });
    expect(labelled.metadata.generation).toBe(1);
    const changed = store.update(configMaps, { ...labelled, data: { k: '2' } });
    expect(changed.metadata.generation).toBe(2);
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(
      Number(labelled.metadata.resourceVersion),
    );
    expect(() =>
      store.update(configMaps, { ...created, data: { k: '3' } }),
    ).toThrow(expect.objectContaining({ code: 409, reason: 'Conflict' }));
    // Without a resourceVersion the update is unconditional.
    const { resourceVersion: _rv, ...metadata } = changed.metadata;
    expect(
      store.update(configMaps, { ...changed, metadata, data: { k: '4' } }).data,
    ).toEqual({
      k: '4',
    });
  });

  it('stores nothing for an update that changes nothing', () => {
    const store = new Store(100);
    const created = store.create(configMaps, configMap('a', { k: '1' }));
    expect(store.update(configMaps, { ...created })).toBe(created);
    expect(store.resourceVersion).toBe('1');
  });

  it('replays events after a revision and expires revisions older than the window', () => {
    const store = new Store(3);
    const a = store.create(configMaps, configMap('a'));
    store.create(pods, { metadata: { name: 'p', namespace: 'ns' } });
    store.update(configMaps, { ...a, data: { k: 'v' } });
    store.delete(configMaps, 'ns', 'a');
    expect(
      store.eventsSince('/configmaps', 1).map(e => [e.type, e.revision]),
    ).toEqual([
      ['MODIFIED', 3],
      ['DELETED', 4],
    ]);
    expect(
      store.eventsSince('/configmaps', 1)[1].object.metadata.resourceVersion,
    ).toBe('4');
    expect(() => store.eventsSince('/configmaps', 0)).toThrow(
      expect.objectContaining({ code: 410, reason: 'Expired' }),
    );
  });

  it('delivers events in revision order even when a listener writes', () => {
    const store = new Store(100);
    const seen: Array<[string, number]> = [];
    store.subscribe(event => {
      if (event.object.metadata.name === 'trigger') {
        store.create(configMaps, configMap('reaction'));
      }
    });
    store.subscribe((event: StoreEvent) =>
      seen.push([event.object.metadata.name, event.revision]),
    );
    store.create(configMaps, configMap('trigger'));
    expect(seen).toEqual([
      ['trigger', 1],
      ['reaction', 2],
    ]);
  });

  it('clear() keeps the revision growing so old resume points expire', () => {
    const store = new Store(100);
    store.create(configMaps, configMap('a'));
    store.clear();
    expect(store.list(configMaps)).toEqual([]);
    expect(store.isRetained(0)).toBe(false);
    expect(
      store.create(configMaps, configMap('a')).metadata.resourceVersion,
    ).toBe('2');
  });
});
