export { ColourChip } from './ColourChip';
export {
  ColourPaletteProvider,
  useColourPalette,
} from './ColourPaletteContext';
