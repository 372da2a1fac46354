import type { Route } from '../../router';

export const modelerRoutes: Route[] = [];
