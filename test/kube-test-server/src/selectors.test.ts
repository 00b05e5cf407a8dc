import { KubeError } from './errors';
import {
  formatLabelSelector,
  labelSelectorRequirements,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

const blue = { app: 'web', version: 'blue', tier: 'frontend' };
const green = { app: 'web', version: 'green' };
const other = { app: 'db' };

function select(selector: string) {
  const requirements = parseLabelSelector(selector);
  return [blue, green, other].filter(labels =>
    matchesLabels(requirements, labels),
  );
}

describe('label selectors', () => {
  it.each([
    ['app=web', [blue, green]],
    ['app==web', [blue, green]],
    ['version!=blue', [green, other]],
    ['version in (blue,green)', [blue, green]],
    ['version in ( blue , green )', [blue, green]],
    ['version notin (blue)', [green, other]],
    ['tier', [blue]],
    ['!tier', [green, other]],
    ['app=web,version notin (green),tier', [blue]],
    ['app in (web,db),!version', [other]],
    ['', [blue, green, other]],
  ])('%s', (selector, expected) => {
    expect(select(selector)).toEqual(expected);
  });

  it('matches nothing against objects without labels unless negated', () => {
    expect(matchesLabels(parseLabelSelector('app=web'), undefined)).toBe(false);
    expect(matchesLabels(parseLabelSelector('app!=web'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('!app'), undefined)).toBe(true);
  });

  it('accepts an empty value, which selects objects whose label is empty', () => {
    expect(matchesLabels(parseLabelSelector('app='), { app: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('app='), { app: 'web' })).toBe(
      false,
    );
  });

  it.each(['version in blue', 'app===web', 'a b', 'version in (bl ue)'])(
    'rejects %j with 400 BadRequest',
    selector => {
      expect(() => parseLabelSelector(selector)).toThrow(
        expect.objectContaining({ code: 400, reason: 'BadRequest' }),
      );
    },
  );

  it('converts structured selectors, with a missing one selecting nothing', () => {
    const requirements = labelSelectorRequirements({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'version', operator: 'In', values: ['blue', 'green'] },
        { key: 'tier', operator: 'Exists' },
      ],
    })!;
    expect(matchesLabels(requirements, blue)).toBe(true);
    expect(matchesLabels(requirements, green)).toBe(false);
    expect(labelSelectorRequirements(undefined)).toBeUndefined();
    expect(formatLabelSelector(requirements)).toBe(
      'app=web,version in (blue,green),tier',
    );
    expect(() =>
      labelSelectorRequirements({
        matchExpressions: [{ key: 'a', operator: 'Near' }],
      }),
    ).toThrow(KubeError);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'web-1', namespace: 'shop' } };

  it('supports metadata.name and metadata.namespace with = == !=', () => {
    expect(matchesFields(parseFieldSelector('metadata.name=web-1'), pod)).toBe(
      true,
    );
    expect(matchesFields(parseFieldSelector('metadata.name==web-2'), pod)).toBe(
      false,
    );
    expect(
      matchesFields(parseFieldSelector('metadata.namespace!=shop'), pod),
    ).toBe(false);
    expect(
      matchesFields(
        parseFieldSelector('metadata.namespace=shop,metadata.name!=web-2'),
        pod,
      ),
    ).toBe(true);
  });

  it('rejects other fields like the API server does', () => {
    expect(() => parseFieldSelector('spec.nodeName=node-1')).toThrow(
      'field label not supported: spec.nodeName',
    );
  });
});
