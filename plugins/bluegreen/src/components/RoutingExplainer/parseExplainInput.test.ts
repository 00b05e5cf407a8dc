import { parseHeaders, parseLabels } from './parseExplainInput';

describe('parseHeaders', () => {
  it('reads one name: value per line, names in lower case', () => {
    expect(parseHeaders('X-Canary: yes\n\ncookie: a=b:c')).toEqual({
      value: { 'x-canary': 'yes', cookie: 'a=b:c' },
    });
  });

  it('sends nothing for an empty field', () => {
    expect(parseHeaders('  \n')).toEqual({ value: undefined });
  });

  it('says how to write a line without a name', () => {
    expect(parseHeaders('just-a-value').error).toMatch(
      /'just-a-value' is not a header: write one per line as name: value/,
    );
  });
});

describe('parseLabels', () => {
  it('reads comma-separated key=value', () => {
    expect(parseLabels('version=blue, app = web')).toEqual({
      value: { version: 'blue', app: 'web' },
    });
  });

  it('says how to write an item without a key', () => {
    expect(parseLabels('blue').error).toMatch(
      /'blue' is not a label: write key=value/,
    );
  });
});
