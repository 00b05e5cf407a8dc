import { PatchError, applyJsonPatch, applyMergePatch } from './patch';

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects, deletes on null and replaces arrays', () => {
    const target = { a: 1, b: { c: 2, d: 3 }, list: [1, 2], keep: true };
    expect(
      applyMergePatch(target, { a: 5, b: { c: null, e: 4 }, list: [3] }),
    ).toEqual({
      a: 5,
      b: { d: 3, e: 4 },
      list: [3],
      keep: true,
    });
    expect(target).toEqual({
      a: 1,
      b: { c: 2, d: 3 },
      list: [1, 2],
      keep: true,
    });
  });

  it('replaces non-objects wholesale', () => {
    expect(applyMergePatch({ a: 1 }, ['x'])).toEqual(['x']);
    expect(applyMergePatch('text', { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  const doc = {
    spec: {
      http: [{ route: [{ weight: 50 }, { weight: 50 }] }],
      hosts: ['a/b', 'c~d'],
    },
  };

  it('applies add, replace, remove, move, copy and test', () => {
    const result = applyJsonPatch(doc, [
      { op: 'test', path: '/spec/http/0/route/0/weight', value: 50 },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 100 },
      { op: 'add', path: '/spec/hosts/-', value: 'e' },
      { op: 'add', path: '/spec/hosts/0', value: 'first' },
      { op: 'copy', from: '/spec/hosts/0', path: '/spec/copied' },
      { op: 'move', from: '/spec/copied', path: '/spec/moved' },
      { op: 'remove', path: '/spec/hosts/1' },
    ]);
    expect(result).toEqual({
      spec: {
        http: [{ route: [{ weight: 0 }, { weight: 100 }] }],
        hosts: ['first', 'c~d', 'e'],
        moved: 'first',
      },
    });
  });

  it('decodes ~0 and ~1 in pointers', () => {
    const result = applyJsonPatch(
      { labels: { 'app.kubernetes.io/name': 'x', 'a~b': 'y' } },
      [
        { op: 'test', path: '/labels/app.kubernetes.io~1name', value: 'x' },
        { op: 'remove', path: '/labels/a~0b' },
      ],
    );
    expect(result).toEqual({ labels: { 'app.kubernetes.io/name': 'x' } });
  });

  it('fails atomically when a test fails', () => {
    const target = { spec: { replicas: 2 } };
    expect(() =>
      applyJsonPatch(target, [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'test', path: '/spec/replicas', value: 2 },
      ]),
    ).toThrow(
      new PatchError(
        'test operation for path "/spec/replicas" failed: expected 2',
      ),
    );
    expect(target).toEqual({ spec: { replicas: 2 } });
  });

  it.each([
    [[{ op: 'remove', path: '/spec/missing' }], 'nonexistent'],
    [[{ op: 'replace', path: '/nope/x', value: 1 }], 'does not exist'],
    [[{ op: 'add', path: '/spec/list/5', value: 1 }], 'out of bounds'],
    [[{ op: 'jump', path: '/spec' }], 'unknown operation'],
    [[{ op: 'add', path: '/spec/x' }], 'needs a "value"'],
    [{ op: 'add' }, 'must be an array'],
  ])('rejects %j', (operations, message) => {
    expect(() => applyJsonPatch({ spec: { list: [] } }, operations)).toThrow(
      message,
    );
  });
});
