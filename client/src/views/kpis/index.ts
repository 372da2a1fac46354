import type { Route } from '../../router';

export const kpisRoutes: Route[] = [];
