import type { Route } from '../../router';
import { KpisView } from './kpis-view';

export const kpisRoutes: Route[] = [{ path: '/journeys/:id/kpis', view: (params, query) => new KpisView(params.id, query) }];
