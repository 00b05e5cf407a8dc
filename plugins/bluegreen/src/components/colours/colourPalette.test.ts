import { createColourPalette, UNSELECTED_SWATCH } from './colourPalette';

describe('createColourPalette', () => {
  it('draws colour words in their own colour', () => {
    const palette = createColourPalette(['green', 'blue']);
    expect(palette('blue').main).toBe('#1565c0');
    expect(palette('green').main).toBe('#2e7d32');
  });

  it('gives other names distinct colours that are neither blue nor green', () => {
    const palette = createColourPalette(['v1', 'v2', 'canary']);
    const mains = ['v1', 'v2', 'canary'].map(name => palette(name).main);
    expect(new Set(mains).size).toBe(3);
    expect(mains).not.toContain('#1565c0');
    expect(mains).not.toContain('#2e7d32');
  });

  it('never gives a name the swatch a colour word already took', () => {
    const palette = createColourPalette(['purple', 'v1']);
    expect(palette('v1').main).not.toBe(palette('purple').main);
  });

  it('keeps a name on the same swatch however often it appears', () => {
    const palette = createColourPalette(['v1', 'v2', 'v1', 'v2']);
    expect(palette('v2')).toEqual(createColourPalette(['v1', 'v2'])('v2'));
  });

  it('greys out pods no subset selects', () => {
    expect(createColourPalette(['blue'])(null)).toBe(UNSELECTED_SWATCH);
  });
});
