import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Cutover } from '@bluegreen-istio/plugin-bluegreen-common';
import { BlueGreenApi } from '../api';
import { ColourPaletteProvider } from '../components/colours';
import { CutoverControls } from '../components/Cutovers/CutoverControls';
import { CutoverHistoryTimeline } from '../components/Cutovers/CutoverHistoryTimeline';
import { SplitBar } from '../components/TrafficSplit';
import { useLiveBlueGreen } from '../hooks/useLiveBlueGreen';

// Long enough that no poll fires during a test: what moves, moves on a signal or a click.
const NO_POLL = 600_000;

/** listCutovers answering like the backend: the open one, the last applied, approvable ones. */
export function listing(options: {
  open?: Cutover;
  applied?: Cutover;
  approvable?: boolean;
}): BlueGreenApi['listCutovers'] {
  return jest.fn(async query => {
    if (query.approvableBy === 'me') {
      return {
        items: options.approvable && options.open ? [options.open] : [],
      };
    }
    if (query.status?.includes('requested')) {
      return { items: options.open ? [options.open] : [] };
    }
    if (query.status?.includes('applied')) {
      return { items: options.applied ? [options.applied] : [] };
    }
    return {
      items: [options.open, options.applied].filter(
        (c): c is Cutover => c !== undefined,
      ),
    };
  });
}

/**
 * The tab's cutover parts on the tab's own hooks, with the split bars but without the colour
 * panels, routes and explainer (EntityBlueGreenContent.test renders those): a much smaller page
 * keeps these tests quick.
 */
export function CutoverTab() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { state, cutovers } = useLiveBlueGreen(entityRef, NO_POLL);
  if (!state) {
    return null;
  }
  return (
    <ColourPaletteProvider state={state}>
      <CutoverControls
        entityRef={entityRef}
        state={state}
        cutovers={cutovers}
      />
      {state.clusters[0].splits.map(split => (
        <SplitBar key={split.host} split={split} />
      ))}
      <CutoverHistoryTimeline
        entityRef={entityRef}
        version={cutovers.version}
      />
    </ColourPaletteProvider>
  );
}
