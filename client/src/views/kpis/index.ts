import { lazyView, type Route } from '../../router';

export const kpisRoutes: Route[] = [
  { path: '/journeys/:id/kpis', view: (params, query) => lazyView(async () => new (await import('./kpis-view')).KpisView(params.id, query)) },
];
