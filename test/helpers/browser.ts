import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import type { App } from 'supertest/types';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../../src/engine-host';
import { createKeys, type RoleKeys } from './auth';
import { createTestApp, type TestApp } from './test-app';

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ROOT = join(__dirname, '..', '..');
const CLIENT = join(ROOT, 'client');

/** Headless Chromium, quiet: no background traffic, no sandbox (tests run as root in CI). */
export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * The web client as built from the sources under test: `npm test` builds it first; a single
 * browser test run on its own rebuilds it when a source is newer than the build.
 */
export function ensureWebClientBuilt(): void {
  const built = join(CLIENT, 'dist', 'index.html');
  const sources = Math.max(newest(join(CLIENT, 'src')), statSync(join(CLIENT, 'index.html')).mtimeMs, statSync(join(CLIENT, 'vite.config.mts')).mtimeMs);
  if (existsSync(built) && sources <= statSync(built).mtimeMs) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', CLIENT, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** The test app listening on a free port of 127.0.0.1, so that a browser can reach it. */
export async function listen(testApp: TestApp): Promise<string> {
  await testApp.app.listen(0, '127.0.0.1');
  return (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
}

/**
 * A new page whose waits give up after 10 s, well inside Jest's 30 s test timeout, so that a
 * failing browser test names the selector it was waiting for instead of timing out blindly.
 */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(10_000);
  return page;
}

/** Opens the client and signs in with `apiKey` through its sign-in form. */
export async function signIn(page: Page, baseUrl: string, apiKey: string, path = '/journeys'): Promise<void> {
  await page.goto(`${baseUrl}/#${path}`);
  await page.fill('#api-key', apiKey);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav.top');
}

/** Collects the page's uncaught errors and console errors, for a test to assert there were none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** What every browser test starts from: the real service listening, a key per role, the app's Zeebe client, Chromium. */
export interface WebTest {
  readonly testApp: TestApp;
  readonly http: App;
  readonly baseUrl: string;
  readonly keys: RoleKeys;
  readonly zeebe: ZeebeGrpcClient;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Builds the client if needed, starts the service on its own database, and launches Chromium. */
export async function startWebTest(): Promise<WebTest> {
  ensureWebClientBuilt();
  const testApp = await createTestApp();
  try {
    const baseUrl = await listen(testApp);
    const keys = await createKeys(testApp);
    const browser = await launchBrowser();
    return {
      testApp,
      http: testApp.app.getHttpServer(),
      baseUrl,
      keys,
      zeebe: testApp.app.get(ZeebeClientRepository).client,
      browser,
      close: async () => {
        await browser.close();
        await testApp.close();
      },
    };
  } catch (error) {
    await testApp.close();
    throw error;
  }
}
