import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

// Every other plugin in this package's dependencies (Kubernetes, scaffolder, org, user settings,
// blue/green) is discovered through `app.packages: all` in app-config.yaml.
export default createApp({
  features: [catalogPlugin, navModule, signInModule],
});
