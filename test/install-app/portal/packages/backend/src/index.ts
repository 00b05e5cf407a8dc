import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@bluegreen-istio/plugin-bluegreen-backend'));
backend.start();
