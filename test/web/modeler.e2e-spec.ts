import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { RoleKeys } from '../helpers/auth';
import { openPage, pageErrors, signIn, startWebTest, type WebTest } from '../helpers/browser';
import type { TestApp } from '../helpers/test-app';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The brief's welcome journey under this test's process id, its thank-you task still without a job type. */
const DRAFT = readFileSync(join(__dirname, '..', 'fixtures', 'new-user.welcome.bpmn'), 'utf8')
  .replaceAll('first-journey', 'web-modeller')
  .replace(/(<bpmn:serviceTask id="thankYou" name="Thank-you email">)\s*<bpmn:extensionElements>[^]*?<\/bpmn:extensionElements>/, '$1');

/**
 * The analyst's modeller in headless Chromium against the real service: a new journey's blank
 * diagram, importing a .bpmn file, live lint from the service with badges on the elements,
 * fixing a task with the email touchpoint template through the properties panel, saving a
 * version and deploying it to the embedded engine.
 */
describe('web client: the modeller (Chromium)', () => {
  let web: WebTest;
  let testApp: TestApp;
  let http: App;
  let baseUrl: string;
  let keys: RoleKeys;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let journey: Body;

  beforeAll(async () => {
    web = await startWebTest();
    ({ testApp, http, baseUrl, keys, browser } = web);
    journey = (
      await request(http)
        .post('/api/journeys')
        .set('x-api-key', keys.analyst)
        .send({ processId: 'web-modeller', name: 'Web modeller', goal: { type: 'end_event', endEventId: 'converted' } })
        .expect(201)
    ).body;
  }, 120_000);
  afterAll(() => web?.close());
  beforeEach(async () => {
    page = await openPage(browser, { viewport: { width: 1400, height: 900 } });
    errors = pageErrors(page);
  });
  afterEach(async () => {
    await page.close();
  });

  const lintItems = () => page.$$eval('#lint li.problem', (items) => items.map((item) => `${item.className.replace('problem ', '')}:${item.getAttribute('data-element-id')}`));

  it('should lint, fix with a touchpoint template, save and deploy a journey', async () => {
    // given a new journey: its modeller opens on a blank diagram, which lint finds incomplete
    await signIn(page, baseUrl, keys.analyst, `/journeys/${journey.id}/model`);
    await page.waitForSelector('.djs-element[data-element-id="start"]');
    await page.waitForSelector('#lint header');
    expect(await page.textContent('#modeler-status')).toBe('New diagram');
    expect(await page.textContent('#lint header')).toMatch(/error/);

    // when the analyst imports a draft whose thank-you task has no job type
    await page.setInputFiles('#import-file', { name: 'welcome-draft.bpmn', mimeType: 'application/xml', buffer: Buffer.from(DRAFT) });

    // then lint (the service's, as a deploy runs it) points at that task, in the list and on the diagram
    await page.waitForSelector('#lint li.problem.error[data-element-id="thankYou"]');
    await page.waitForSelector('.djs-overlay .lint-badge.error[data-element-id="thankYou"]');
    expect((await lintItems()).filter((item) => item.startsWith('error'))).toEqual(['error:thankYou']);
    expect(await page.textContent('#modeler-status')).toBe('Unsaved changes');

    // when the problem is clicked, the task is selected, and the email touchpoint template is applied to it
    await page.click('#lint li.problem.error[data-element-id="thankYou"] button');
    await page.waitForSelector('.bio-properties-panel-header-label:has-text("Thank-you email")');
    await page.click('.bio-properties-panel-select-template-button');
    await page.click('.djs-popup .entry:has-text("Email touchpoint")');
    await page.waitForSelector('.bio-properties-panel-header:has-text("Email touchpoint")');
    const templateField = page.locator('.bio-properties-panel-group:has-text("Message") input').first();
    await page.click('.bio-properties-panel-group-header:has-text("Message")');
    await templateField.fill('thank-you');

    // then the error is gone
    await page.waitForFunction("!document.querySelector('#lint li.problem.error') && !document.querySelector('#lint.pending')");
    expect(await page.$('.djs-overlay .lint-badge.error')).toBeNull();

    // when the analyst saves and deploys
    await page.click('#save-version');
    await page.waitForSelector('#modeler-message .notice.ok:has-text("Saved v1")');
    expect(await page.inputValue('#version-select')).toBe('1');
    await page.click('#deploy-version');
    await page.waitForSelector('#modeler-message .notice.ok:has-text("v1 is live")');

    // then the service has the version as drawn, with the template applied, deployed and live
    const stored = (await request(http).get(`/api/journeys/${journey.id}/versions/1`).set('x-api-key', keys.owner).expect(200)).body;
    expect(stored.validation.valid).toBe(true);
    expect(stored.bpmnXml).toMatch(/<bpmn:serviceTask id="thankYou"[^>]*zeebe:modelerTemplate="travesia.touchpoint.email"/);
    expect(stored.bpmnXml).toMatch(/<zeebe:taskDefinition type="touchpoint.email"/);
    expect(stored.bpmnXml).toContain('<zeebe:header key="template" value="thank-you" />');
    expect(stored.lastDeployment).toMatchObject({ version: 1 });
    expect((await request(http).get(`/api/journeys/${journey.id}`).set('x-api-key', keys.owner).expect(200)).body.liveVersion).toBe(1);
    expect(await page.textContent('#modeler-status')).toBe('v1 · live');
    expect(await page.isDisabled('#deploy-version')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('should show a saved version to an owner without the editing', async () => {
    // given a saved version (the test above)
    await signIn(page, baseUrl, keys.owner, `/journeys/${journey.id}/model?version=1`);

    // then
    await page.waitForSelector('.djs-element[data-element-id="thankYou"]');
    expect(await page.$('#save-version')).toBeNull();
    expect(await page.$('#deploy-version')).toBeNull();
    expect(await page.textContent('#modeler-status')).toBe('v1 · live');
    expect(await page.textContent('#lint header')).toContain('No problems');
    expect(errors).toEqual([]);
  });
});
