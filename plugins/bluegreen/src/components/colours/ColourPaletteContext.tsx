import { BlueGreenStateResponse } from '@bluegreen-istio/plugin-bluegreen-common';
import { createContext, ReactNode, useContext, useMemo } from 'react';
import { ColourPalette, createColourPalette } from './colourPalette';

const ColourPaletteContext = createContext<ColourPalette>(
  createColourPalette([]),
);

/** Shares one palette between every view of the state, built from the colours of all clusters. */
export function ColourPaletteProvider(props: {
  state: BlueGreenStateResponse;
  children: ReactNode;
}) {
  const { state, children } = props;
  const key = state.clusters
    .flatMap(cluster => cluster.colours.map(colour => colour.name))
    .join('\n');
  const palette = useMemo(
    () => createColourPalette(key ? key.split('\n') : []),
    [key],
  );
  return (
    <ColourPaletteContext.Provider value={palette}>
      {children}
    </ColourPaletteContext.Provider>
  );
}

export function useColourPalette(): ColourPalette {
  return useContext(ColourPaletteContext);
}
