import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** What the fallback page uses of Express's response. */
interface HtmlResponse {
  status(code: number): HtmlResponse;
  type(type: string): HtmlResponse;
  send(body: string): void;
}

/**
 * Where `npm run build:client` puts the web client: client/dist under the project root, which
 * is one level above this file in the sources and two in dist/.
 */
export function webClientDirectory(): string | undefined {
  return [join(__dirname, '..', 'client', 'dist'), join(__dirname, '..', '..', 'client', 'dist')].find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Serves the web client at `/` (its routes live in the URL's hash, so `/` is its only page) with
 * long-lived caching for the hashed assets. Without a build, `/` says how to make one; the API
 * is unaffected either way.
 */
export function serveWebClient(app: NestExpressApplication, directory = webClientDirectory()): void {
  if (directory) {
    app.useStaticAssets(directory, {
      index: 'index.html',
      setHeaders: (response, path) => {
        response.setHeader('cache-control', path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    return;
  }
  app.use('/', (request: { method: string; path: string }, response: HtmlResponse, next: () => void) => {
    if (request.method !== 'GET' || request.path !== '/') return next();
    response
      .status(503)
      .type('html')
      .send('<!doctype html><title>Travesía</title><p>The web client is not built. Run <code>npm run build:client</code> (or <code>npm start</code>, which builds it) and reload. The API is at <a href="/api/docs">/api/docs</a>.</p>');
  });
}
