/** How one colour is drawn: `main` fills, `contrastText` is readable on top of it. */
export interface ColourSwatch {
  main: string;
  contrastText: string;
}

const WHITE = '#ffffff';
const BLACK = '#000000';

// Shades dark enough for white text (WCAG AA), so the written name stays readable on the fill.
const NAMED_SWATCHES: Record<string, ColourSwatch> = {
  blue: { main: '#1565c0', contrastText: WHITE },
  green: { main: '#2e7d32', contrastText: WHITE },
  red: { main: '#c62828', contrastText: WHITE },
  orange: { main: '#ef6c00', contrastText: BLACK },
  yellow: { main: '#fbc02d', contrastText: BLACK },
  purple: { main: '#6a1b9a', contrastText: WHITE },
  pink: { main: '#ad1457', contrastText: WHITE },
  teal: { main: '#00695c', contrastText: WHITE },
  cyan: { main: '#00838f', contrastText: WHITE },
  indigo: { main: '#283593', contrastText: WHITE },
  brown: { main: '#5d4037', contrastText: WHITE },
  grey: { main: '#616161', contrastText: WHITE },
  gray: { main: '#616161', contrastText: WHITE },
  black: { main: '#212121', contrastText: WHITE },
};

// For names that are not colours (v1, v2, canary, stable): hues that are neither blue nor green,
// so a v1/v2 service never looks like a blue/green one.
const DISTINCT_SWATCHES: ColourSwatch[] = [
  { main: '#6a1b9a', contrastText: WHITE },
  { main: '#ef6c00', contrastText: BLACK },
  { main: '#00838f', contrastText: WHITE },
  { main: '#ad1457', contrastText: WHITE },
  { main: '#5d4037', contrastText: WHITE },
  { main: '#283593', contrastText: WHITE },
  { main: '#9e9d24', contrastText: BLACK },
];

/** Pods a shared host reaches that no subset selects. */
export const UNSELECTED_SWATCH: ColourSwatch = {
  main: '#9e9e9e',
  contrastText: BLACK,
};

export type ColourPalette = (colour: string | null) => ColourSwatch;

/**
 * Gives every colour name a swatch: colour words get their own colour; other names get distinct
 * hues in the order given, skipping those already taken, so the same name keeps its swatch
 * across clusters, the split bar and the explainer.
 */
export function createColourPalette(names: string[]): ColourPalette {
  const swatches = new Map<string, ColourSwatch>();
  const unique = [...new Set(names)];
  for (const name of unique) {
    const named = NAMED_SWATCHES[name.toLowerCase()];
    if (named) {
      swatches.set(name, named);
    }
  }
  const taken = new Set([...swatches.values()].map(s => s.main));
  const free = DISTINCT_SWATCHES.filter(s => !taken.has(s.main));
  let next = 0;
  for (const name of unique) {
    if (!swatches.has(name)) {
      swatches.set(
        name,
        free.length > 0
          ? free[next++ % free.length]
          : DISTINCT_SWATCHES[next++ % DISTINCT_SWATCHES.length],
      );
    }
  }
  return colour =>
    (colour !== null && swatches.get(colour)) || UNSELECTED_SWATCH;
}
