import { Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useLiveBlueGreen } from '../../hooks/useLiveBlueGreen';
import { isBlueGreenAvailable } from '../../isBlueGreenAvailable';
import { BlueGreenErrorPanel } from '../BlueGreenErrorPanel';
import { CutoverControls, CutoverHistoryTimeline } from '../Cutovers';
import { MissingBlueGreenAnnotation } from '../MissingBlueGreenAnnotation';
import { BlueGreenStateView } from './BlueGreenStateView';

/** @public */
export interface EntityBlueGreenContentProps {
  /** How often the open tab re-reads the state, in milliseconds; default 5 000. */
  refreshIntervalMs?: number;
}

function LoadedBlueGreenContent(props: EntityBlueGreenContentProps) {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { state, error, cutovers } = useLiveBlueGreen(
    entityRef,
    props.refreshIntervalMs,
  );
  if (state) {
    return (
      <BlueGreenStateView
        entity={entity}
        state={state}
        refreshError={error}
        header={
          <CutoverControls
            entityRef={entityRef}
            state={state}
            cutovers={cutovers}
          />
        }
        footer={
          <CutoverHistoryTimeline
            entityRef={entityRef}
            version={cutovers.version}
          />
        }
      />
    );
  }
  if (error) {
    return <BlueGreenErrorPanel error={error} />;
  }
  return <Progress />;
}

/** The Blue/Green entity tab. */
export function EntityBlueGreenContent(props: EntityBlueGreenContentProps) {
  const { entity } = useEntity();
  if (!isBlueGreenAvailable(entity)) {
    return <MissingBlueGreenAnnotation />;
  }
  return <LoadedBlueGreenContent {...props} />;
}
