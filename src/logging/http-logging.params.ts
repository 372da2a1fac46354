import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Logger } from 'pino';
import { ALL_ROUTES } from '../middleware/http-metrics.middleware';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Probes and scrapes call these every few seconds; logging each call would drown the rest. */
const QUIET_PATHS = new Set(['/api/health', '/metrics']);

/**
 * nestjs-pino settings: one log line per request, with a request id that every log line written
 * while serving the request carries too. A caller's `x-request-id` is kept so that ids follow a
 * request across services; the id is echoed in the response.
 */
export function httpLoggingParams(logger: Logger): Params {
  return {
    forRoutes: [ALL_ROUTES],
    pinoHttp: {
      logger,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers[REQUEST_ID_HEADER];
        const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url?.split('?', 1)[0] ?? '') },
    },
  };
}
