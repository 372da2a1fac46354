import type { Route } from '../../router';

export const instancesRoutes: Route[] = [];
