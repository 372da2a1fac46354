import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { version } from '../package.json';
import { AppConfig, openApiConfig } from './config';
import { HttpMetricsMiddleware } from './middleware';
import { serveWebClient } from './web-client';

export const API_PREFIX = 'api';

/** HTTP setup shared by the service and the e2e tests: logger, metrics, the web client, the /api prefix, OpenAPI. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // JSON bodies up to 2 MB (Express's default is 100 kB): journey versions carry BPMN XML (see BPMN_XML_MAX_LENGTH).
  app.useBodyParser('json', { limit: '2mb' });
  app.use(app.get(HttpMetricsMiddleware).handle);
  if (app.get(AppConfig).runs('api')) serveWebClient(app);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  SwaggerModule.setup(
    `${API_PREFIX}/docs`,
    app,
    () => SwaggerModule.createDocument(app, openApiConfig(version)),
    { jsonDocumentUrl: `${API_PREFIX}/docs-json` },
  );
  return app;
}
