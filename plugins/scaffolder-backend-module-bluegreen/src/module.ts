import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createBlueGreenManifestsRenderAction } from './actions/render';

/**
 * Adds the `bluegreen:manifests:render` action to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleBlueGreen = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'bluegreen',
  register(env) {
    env.registerInit({
      deps: { scaffolderActions: scaffolderActionsExtensionPoint },
      async init({ scaffolderActions }) {
        scaffolderActions.addActions(createBlueGreenManifestsRenderAction());
      },
    });
  },
});
