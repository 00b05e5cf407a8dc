import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_ISTIO_HOSTS } from '@bluegreen-istio/plugin-bluegreen-common';

/**
 * True when the entity names the hosts the blue/green plugin looks up
 * (the `bluegreen/istio-hosts` annotation).
 *
 * @public
 */
export function isBlueGreenAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ANNOTATION_ISTIO_HOSTS]?.trim());
}
