import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { RoleKeys } from '../helpers/auth';
import { openPage, pageErrors, signIn, startWebTest, type WebTest } from '../helpers/browser';
import { TEST_ADMIN_API_KEY, type TestApp } from '../helpers/test-app';

/**
 * The web client in headless Chromium against the real service (its REST API, embedded engine
 * and PostgreSQL): signing in with an API key, the journeys list, creating a journey, and the
 * journey's overview with its versions.
 */
describe('web client: sign-in and journeys (Chromium)', () => {
  let web: WebTest;
  let testApp: TestApp;
  let baseUrl: string;
  let keys: RoleKeys;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    web = await startWebTest();
    ({ testApp, baseUrl, keys, browser } = web);
  }, 120_000);
  afterAll(() => web?.close());
  beforeEach(async () => {
    page = await openPage(browser);
    errors = pageErrors(page);
  });
  afterEach(async () => {
    await page.close();
  });

  it('should serve the client at / next to the API', async () => {
    // when
    const response = await request(testApp.app.getHttpServer()).get('/').expect(200);

    // then
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.text).toContain('<div id="app"></div>');
    await request(testApp.app.getHttpServer()).get('/api/health').expect(200);
  });

  it('should refuse a wrong key and sign in with a good one', async () => {
    // given
    await page.goto(`${baseUrl}/`);

    // when a wrong key is tried
    await page.fill('#api-key', 'trv_not-a-key-at-all-000000000000000000000000000');
    await page.click('button[type=submit]');

    // then
    await page.waitForSelector('.login .error:has-text("not valid")');

    // and when the admin key is given
    await page.fill('#api-key', TEST_ADMIN_API_KEY);
    await page.click('button[type=submit]');

    // then the journeys list shows, and who is signed in
    await page.waitForSelector('h1:has-text("Journeys")');
    expect(await page.textContent('nav.top .who')).toContain('admin');
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
  });

  it('should let an analyst create a journey and open its overview with its versions', async () => {
    // given
    await signIn(page, baseUrl, keys.analyst);

    // when
    await page.click('details.card summary');
    await page.fill('#create-journey [name=processId]', 'web-welcome');
    await page.fill('#create-journey [name=name]', 'Web welcome');
    await page.selectOption('#create-journey [name=reentry]', 'after_exit');
    await page.fill('#create-journey [name=goalEndEventId]', 'converted');
    await page.click('#create-journey button[type=submit]');

    // then the overview shows what was created
    await page.waitForSelector('.journey-header h1:has-text("Web welcome")');
    expect(await page.textContent('dl.facts')).toContain('web-welcome');
    expect(await page.textContent('dl.facts')).toContain('after exit');
    expect(await page.textContent('dl.facts')).toContain('reaching end event converted');
    expect(await page.textContent('main')).toContain('No version yet');
    const journeys = (await request(testApp.app.getHttpServer()).get('/api/journeys').set('x-api-key', keys.owner).expect(200)).body;
    expect(journeys.map((j: { processId: string }) => j.processId)).toContain('web-welcome');

    // and the list links to it
    await page.click('nav.top a:has-text("Journeys")');
    await page.waitForSelector('#journeys tr:has-text("Web welcome")');
    expect(errors).toEqual([]);
  });

  it('should show the field messages of a refused journey', async () => {
    // given
    await signIn(page, baseUrl, keys.analyst);
    await page.click('details.card summary');

    // when the process id is taken already
    await request(testApp.app.getHttpServer()).post('/api/journeys').set('x-api-key', keys.analyst).send({ processId: 'taken-id', name: 'First' }).expect(201);
    await page.fill('#create-journey [name=processId]', 'taken-id');
    await page.fill('#create-journey [name=name]', 'Second');
    await page.click('#create-journey button[type=submit]');

    // then
    const box = await page.waitForSelector('#create-journey .error-box');
    expect(await box.textContent()).toMatch(/taken-id/);
  });

  it('should hide the journey form from an owner and go back to sign-in when the key is revoked', async () => {
    // given an owner key of its own, signed in
    const created = (await request(testApp.app.getHttpServer()).post('/api/keys').set('x-api-key', TEST_ADMIN_API_KEY).send({ name: 'soon revoked', role: 'owner' }).expect(201)).body;
    await signIn(page, baseUrl, created.secret);
    await page.waitForSelector('h1:has-text("Journeys")');
    expect(await page.$('#create-journey')).toBeNull();

    // when the key is revoked and the owner moves on
    await request(testApp.app.getHttpServer()).delete(`/api/keys/${created.id}`).set('x-api-key', TEST_ADMIN_API_KEY).expect(204);
    // (a click, not page.check: the 401 may replace the page before a check could confirm the box)
    await page.click('#show-archived');

    // then
    await page.waitForSelector('.login');
    expect(await page.evaluate("localStorage.getItem('travesia.apiKey')")).toBeNull();
  });
});
