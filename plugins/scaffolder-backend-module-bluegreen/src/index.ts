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
export { parseBlueGreenInput } from './manifests/input';
export type { BlueGreenInput, BlueGreenServiceSpec } from './manifests/input';
