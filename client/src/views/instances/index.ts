import { lazyView, type Route } from '../../router';
import { CustomerView } from './customer-view';
import { CustomersView } from './customers-view';
import { IncidentsView } from './incidents-view';
import { JourneyInstancesView } from './journey-instances-view';

export const instancesRoutes: Route[] = [
  { path: '/journeys/:id/instances', view: (params, query) => new JourneyInstancesView(params.id, query) },
  { path: '/instances/:key', view: (params) => lazyView(async () => new (await import('./instance-view')).InstanceView(params.key)) },
  { path: '/incidents', view: (_params, query) => new IncidentsView(query) },
  { path: '/customers', view: (_params, query) => new CustomersView(query) },
  { path: '/customers/:externalId', view: (params) => new CustomerView(params.externalId) },
];
