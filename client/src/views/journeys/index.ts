import type { Route } from '../../router';
import { JourneyView } from './journey-view';
import { JourneysView } from './journeys-view';

export const journeyRoutes: Route[] = [
  { path: '/journeys', view: () => new JourneysView() },
  { path: '/journeys/:id', view: (params) => new JourneyView(params.id) },
];
