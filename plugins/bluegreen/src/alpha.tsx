import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/** The blue/green plugin for the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'bluegreen',
  extensions: [],
});
