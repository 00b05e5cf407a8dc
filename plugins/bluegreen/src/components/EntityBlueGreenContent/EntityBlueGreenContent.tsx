import { Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useBlueGreenState } from '../../hooks/useBlueGreenState';
import { isBlueGreenAvailable } from '../../isBlueGreenAvailable';
import { BlueGreenErrorPanel } from '../BlueGreenErrorPanel';
import { MissingBlueGreenAnnotation } from '../MissingBlueGreenAnnotation';
import { BlueGreenStateView } from './BlueGreenStateView';

/** @public */
export interface EntityBlueGreenContentProps {
  /** How often the open tab re-reads the state, in milliseconds; default 5 000. */
  refreshIntervalMs?: number;
}

function LoadedBlueGreenContent(props: EntityBlueGreenContentProps) {
  const { entity } = useEntity();
  const { state, error } = useBlueGreenState(
    stringifyEntityRef(entity),
    props.refreshIntervalMs,
  );
  if (state) {
    return (
      <BlueGreenStateView entity={entity} state={state} refreshError={error} />
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
