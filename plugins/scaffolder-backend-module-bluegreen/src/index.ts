/**
 * The scaffolder module of the blue/green plugin: the `bluegreen:manifests:render` action.
 *
 * @packageDocumentation
 */

export { scaffolderModuleBlueGreen as default } from './module';
export { createBlueGreenManifestsRenderAction } from './actions/render';
export { buildBlueGreenManifests } from './manifests/build';
export type {
  BlueGreenHosts,
  BlueGreenManifests,
  KubeManifest,
  RenderedManifest,
} from './manifests/build';
export {
  ISTIO_API_VERSIONS,
  parseBlueGreenInput,
  SERVICE_PROTOCOLS,
} from './manifests/input';
export type {
  BlueGreenServiceSpec,
  IstioApiVersion,
  ServiceProtocol,
} from './manifests/input';
