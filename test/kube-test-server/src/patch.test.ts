import { KubeError } from './errors';
import { StrategicMerge, applyJsonPatch, applyMergePatch } from './patch';

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects, deletes on null, replaces arrays and leaves the target alone', () => {
    const target = Object.freeze({ a: 1, b: { c: 2, d: 3 }, list: [1, 2] });
    expect(
      applyMergePatch(target, { a: 5, b: { c: null, e: 4 }, list: [3] }),
    ).toEqual({ a: 5, b: { d: 3, e: 4 }, list: [3] });
    expect(target).toEqual({ a: 1, b: { c: 2, d: 3 }, list: [1, 2] });
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  it('applies the operations atomically, leaving the target alone', () => {
    const target = { spec: { http: [{ route: [{ weight: 50 }] }] } };
    expect(
      applyJsonPatch(target, [
        { op: 'test', path: '/spec/http/0/route/0/weight', value: 50 },
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
      ]),
    ).toEqual({ spec: { http: [{ route: [{ weight: 0 }] }] } });
    expect(target.spec.http[0].route[0].weight).toBe(50);
  });

  it.each([
    [[{ op: 'test', path: '/spec/replicas', value: 3 }]],
    [[{ op: 'remove', path: '/spec/missing' }]],
    [[{ op: 'jump', path: '/spec' }]],
  ])('answers %j that cannot be applied with 422', operations => {
    expect(() => applyJsonPatch({ spec: { replicas: 2 } }, operations)).toThrow(
      expect.objectContaining({ code: 422, reason: 'Invalid' }),
    );
  });

  it('answers a body that is not a list of operations with 400', () => {
    expect(() => applyJsonPatch({}, { op: 'add' })).toThrow(KubeError);
    expect(() => applyJsonPatch({}, [1])).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });
});

describe('StrategicMerge', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'web',
              image: 'httpd:2.4',
              ports: [{ containerPort: 80 }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'sidecar', image: 'envoy:1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };
  const merge = (patch: unknown) =>
    new StrategicMerge('Deployment').apply(deployment, patch) as any;

  it('merges containers by name, keeping what the patch does not mention', () => {
    const result = merge({
      spec: {
        template: {
          spec: { containers: [{ name: 'web', image: 'httpd:2.6' }] },
        },
      },
    });
    expect(result.spec.template.spec.containers).toEqual([
      { ...deployment.spec.template.spec.containers[0], image: 'httpd:2.6' },
      deployment.spec.template.spec.containers[1],
    ]);
  });

  it('honours $setElementOrder, $patch delete and replace, and never stores directives', () => {
    const result = merge({
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [
              { name: 'sidecar' },
              { name: 'web' },
            ],
            containers: [
              {
                name: 'web',
                '$setElementOrder/env': [{ name: 'B' }, { name: 'C' }],
                env: [
                  { name: 'A', $patch: 'delete' },
                  { name: 'C', value: '3' },
                ],
                ports: [{ containerPort: 8080 }],
              },
            ],
            volumes: [{ $patch: 'replace' }, { name: 'cache', emptyDir: {} }],
          },
        },
      },
    });
    const spec = result.spec.template.spec;
    expect(spec.containers.map((c: any) => c.name)).toEqual(['sidecar', 'web']);
    expect(spec.containers[1].env).toEqual([
      { name: 'B', value: '2' },
      { name: 'C', value: '3' },
    ]);
    expect(spec.containers[1].ports).toEqual([
      { containerPort: 80 },
      { containerPort: 8080 },
    ]);
    expect(spec.volumes).toEqual([{ name: 'cache', emptyDir: {} }]);
    expect(JSON.stringify(result)).not.toContain('$');
  });

  it('honours $retainKeys and $deleteFromPrimitiveList, and replaces lists without merge keys', () => {
    const result = new StrategicMerge('Deployment').apply(
      {
        metadata: { finalizers: ['a', 'b'] },
        spec: {
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
          template: {
            spec: { containers: [{ name: 'web', args: ['x', 'y'] }] },
          },
        },
      },
      {
        metadata: {
          '$deleteFromPrimitiveList/finalizers': ['a'],
          finalizers: ['c'],
        },
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          template: { spec: { containers: [{ name: 'web', args: ['z'] }] } },
        },
      },
    ) as any;
    expect(result.metadata.finalizers).toEqual(['b', 'c']);
    expect(result.spec.strategy).toEqual({ type: 'Recreate' });
    expect(result.spec.template.spec.containers[0].args).toEqual(['z']);
  });

  it('merges Service ports by port and refuses list elements without their merge key', () => {
    const service = { spec: { ports: [{ port: 80, name: 'http' }] } };
    expect(
      (
        new StrategicMerge('Service').apply(service, {
          spec: { ports: [{ port: 443, name: 'https' }] },
        }) as any
      ).spec.ports,
    ).toEqual([
      { port: 80, name: 'http' },
      { port: 443, name: 'https' },
    ]);
    expect(() =>
      merge({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    ).toThrow(expect.objectContaining({ code: 400 }));
  });
});
