import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import bluegreenPlugin from '@bluegreen-istio/plugin-bluegreen/alpha';

export default createApp({
  features: [catalogPlugin, bluegreenPlugin],
});
