import Chip from '@material-ui/core/Chip';
import { useColourPalette } from './ColourPaletteContext';

/** A colour's name on its own colour; pods outside every subset are called so. */
export function ColourChip(props: {
  colour: string | null;
  size?: 'small' | 'medium';
}) {
  const { colour, size = 'small' } = props;
  const swatch = useColourPalette()(colour);
  return (
    <Chip
      size={size}
      label={colour ?? 'no subset'}
      style={{ backgroundColor: swatch.main, color: swatch.contrastText }}
    />
  );
}
