import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, RequestMethod } from '@nestjs/common';
import type { Histogram } from 'prom-client';
import { MetricsRepository } from '../repositories';

/** Nest middleware meant for every request is mounted on this catch-all route (under the /api prefix). */
export const ALL_ROUTES = { path: '{*path}', method: RequestMethod.ALL };

type Label = 'method' | 'route' | 'status_code';

/** What Express adds to the request once a route matched it. */
type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };

/**
 * Times every HTTP request into `http_request_duration_seconds`. Mounted on the Express app
 * itself (see `configureApp`), ahead of every route, so that requests outside /api and requests
 * matching no route are timed too. The route label is the pattern of the route that served the
 * request (`/api/journeys/:id`), never the raw URL, so ids do not multiply the series; requests
 * that reached no controller share `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware {
  private readonly duration: Histogram<Label>;

  constructor(metrics: MetricsRepository) {
    this.duration = metrics.histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'],
    });
  }

  readonly handle = (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const end = this.duration.startTimer({ method: req.method });
    res.once('finish', () => end({ route: routeOf(req), status_code: res.statusCode }));
    next();
  };
}

// Express keeps the last route that matched; when only a catch-all middleware route did, no controller served the request.
function routeOf(req: RoutedRequest): string {
  const path = req.route?.path;
  return typeof path === 'string' && !path.endsWith(ALL_ROUTES.path) ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}
