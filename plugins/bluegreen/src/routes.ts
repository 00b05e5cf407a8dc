import { createRouteRef } from '@backstage/core-plugin-api';

/** The approvals page, `/bluegreen` in the app (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'bluegreen' });
