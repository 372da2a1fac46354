import { lazyView, type Route } from '../../router';

export const modelerRoutes: Route[] = [
  {
    path: '/journeys/:id/model',
    view: (params, query) =>
      lazyView(async () => {
        const { ModelerView } = await import('./modeler-view');
        return new ModelerView(params.id, query.has('version') ? Number(query.get('version')) : null);
      }),
  },
];
