import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { App } from 'supertest/types';
import type { ZeebeGrpcClient } from '../../src/engine-host';
import { type RoleKeys, withKey } from '../helpers/auth';
import { openPage, pageErrors, signIn, startWebTest, type WebTest } from '../helpers/browser';
import type { TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Welcome email (touchpoint.email), then an event-based gateway: an order (thank-you email) or three days. */
const WELCOME_JOURNEY = readFileSync(join(__dirname, '..', 'fixtures', 'new-user.welcome.bpmn'), 'utf8');

/**
 * The process owner's screens in headless Chromium against the real service: a journey's
 * instances, the instance explorer (diagram with the path taken, timeline, variables,
 * incidents with Retry / Cancel), the open incidents, and the customers with their history.
 * The test drives the journey through the REST API and the app's own Zeebe client: Ana orders
 * and completes, Carla waits for an order, Ben's and Dan's welcome emails fail for good.
 */
describe('web client: instances, incidents and customers (Chromium)', () => {
  let web: WebTest;
  let testApp: TestApp;
  let http: App;
  let baseUrl: string;
  let keys: RoleKeys;
  let zeebe: ZeebeGrpcClient;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let journey: Body;
  const enrolments = new Map<string, Body>();
  const as = (role: keyof RoleKeys) => withKey(http, keys[role]);
  const instanceOf = (customer: string) => String(enrolments.get(customer)!.processInstanceKey);
  const element = (id: string) => `g.djs-element[data-element-id="${id}"]`;
  const classesOf = async (id: string) => ((await page.getAttribute(element(id), 'class')) ?? '').split(/\s+/).filter((name) => name.startsWith('path-')).sort();
  /** The given attributes of every element `selector` matches, in document order. */
  const attributes = (selector: string, ...names: string[]) => page.locator(selector).evaluateAll((nodes, wanted) => nodes.map((node) => wanted.map((name) => node.getAttribute(name))), names);
  const countToBe = (selector: string, n: number) => page.waitForFunction(`document.querySelectorAll(${JSON.stringify(selector)}).length === ${n}`);
  const hashToContain = (text: string) => page.waitForFunction(`window.location.hash.includes(${JSON.stringify(text)})`);

  beforeAll(async () => {
    web = await startWebTest();
    ({ testApp, http, baseUrl, keys, zeebe, browser } = web);

    journey = (await as('analyst').post('/api/journeys', { processId: 'first-journey', name: 'Welcome', goal: { type: 'end_event', endEventId: 'converted' }, reentry: 'always' }).expect(201)).body;
    await as('analyst').post(`/api/journeys/${journey.id}/versions`, { bpmnXml: WELCOME_JOURNEY }).expect(201);
    await as('analyst').post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);
    await as('client')
      .put('/api/customers/ana', {
        attributes: { firstName: 'Ana', plan: 'gold' },
        addresses: { email: 'ana@example.com', phone: '+34600111222' },
        consents: [{ channel: 'email', granted: true, source: 'signup-form' }],
        timezone: 'Europe/Madrid',
        segment: 'lead',
      })
      .expect(201);
    for (const name of ['ben', 'carla', 'dan']) {
      await as('client').put(`/api/customers/${name}`, { attributes: { firstName: name, plan: 'silver' }, addresses: { email: `${name}@example.com` }, segment: 'new' }).expect(201);
    }
    for (const name of ['ana', 'ben', 'carla', 'dan']) {
      enrolments.set(name, (await as('client').post(`/api/journeys/${journey.id}/enrolments`, { customerId: name, variables: { campaign: 'spring' } }).expect(201)).body);
    }

    await workEmails('welcome', { ana: 'complete', carla: 'complete', ben: 'fail', dan: 'fail' });
    await as('client').post('/api/events', { source: 'shop', eventId: 'order-ana', type: 'order.placed', customerId: 'ana', occurredAt: new Date().toISOString(), revenue: 42, currency: 'EUR' }).expect(201);
    await workEmails('thank-you', { ana: 'complete' });
    await until('Ana to complete', async () => (await as('owner').get(`/api/enrolments/${enrolments.get('ana')!.id}`).expect(200)).body.status, (status) => status === 'completed');
    await until('two incidents', async () => (await as('owner').get(`/api/incidents?journeyId=${journey.id}`).expect(200)).body as Body[], (list) => list.length === 2);
  }, 180_000);
  afterAll(() => web?.close());
  beforeEach(async () => {
    page = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
    errors = pageErrors(page);
  });
  afterEach(async () => {
    await page.close();
  });

  /** The touchpoint worker of this test: completes or fails (no retries left) the email jobs of these customers. */
  async function workEmails(template: string, outcome: Record<string, 'complete' | 'fail'>): Promise<void> {
    const pending = new Set(Object.keys(outcome));
    const deadline = Date.now() + 20_000;
    while (pending.size > 0 && Date.now() < deadline) {
      const jobs = (await zeebe.activateJobs({ type: 'touchpoint.email', worker: 'test-mailer', timeout: 30_000, maxJobsToActivate: 10, requestTimeout: 500 } as never)) as never as Body[];
      for (const job of jobs) {
        const customer = String(job.variables.customerId);
        if (job.customHeaders.template !== template || !pending.has(customer)) {
          await zeebe.failJob({ jobKey: job.key, retries: job.retries, errorMessage: 'not this step of the test', retryBackOff: 0 });
          continue;
        }
        pending.delete(customer);
        if (outcome[customer] === 'complete') await zeebe.completeJob({ jobKey: job.key, variables: { [`${template}SentAt`]: '2025-11-26T09:30:01.000Z' } });
        else await zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'smtp server unreachable', retryBackOff: 0 });
      }
    }
    expect([...pending]).toEqual([]);
  }

  it("should list a journey's enrolments, filter them by status, page them and open instances", async () => {
    // given
    await signIn(page, baseUrl, keys.owner, `/journeys/${journey.id}/instances`);

    // then every enrolment shows, with its status and links
    await page.waitForSelector('#enrolments tbody tr');
    expect(await page.textContent('nav.tabs a.active')).toBe('Instances');
    const rows = await attributes('#enrolments tbody tr', 'data-customer-id', 'data-status');
    expect(rows.sort()).toEqual([
      ['ana', 'completed'],
      ['ben', 'active'],
      ['carla', 'active'],
      ['dan', 'active'],
    ]);
    const ana = '#enrolments tr[data-customer-id="ana"]';
    expect(await page.getAttribute(`${ana} a.customer-link`, 'href')).toBe('#/customers/ana');
    expect(await page.getAttribute(`${ana} a.instance-link`, 'href')).toBe(`#/instances/${instanceOf('ana')}`);
    expect(await page.textContent(`${ana} td:nth-child(3)`)).toBe('v1');
    expect(await page.textContent(`${ana} td:nth-child(5)`)).not.toBe('—');
    expect(await page.textContent('#enrolments tr[data-customer-id="carla"] td:nth-child(5)')).toBe('—');

    // when filtered by status
    await page.selectOption('#enrolment-filter [name=status]', 'completed');
    await page.click('#enrolment-filter button[type=submit]');

    // then
    await hashToContain('status=completed');
    await countToBe('#enrolments tbody tr', 1);
    expect(await attributes('#enrolments tbody tr', 'data-customer-id')).toEqual([['ana']]);

    // and when paged two by two
    await page.goto(`${baseUrl}/#/journeys/${journey.id}/instances?limit=2`);
    await countToBe('#enrolments tbody tr', 2);
    await page.click('button.load-more');
    await countToBe('#enrolments tbody tr', 4);
    await page.waitForSelector('button.load-more', { state: 'hidden' });

    // and when an instance is opened by its key
    await page.fill('form.open-instance [name=processInstanceKey]', instanceOf('carla'));
    await page.click('form.open-instance button[type=submit]');

    // then
    await page.waitForSelector('.instance-summary a.customer-link:has-text("carla")');
    expect(await page.textContent('.page-header h1')).toContain(instanceOf('carla'));
    expect(errors).toEqual([]);
  });

  it('should show the path a completed instance took, its timeline and the variables of each step', async () => {
    // given
    await signIn(page, baseUrl, keys.owner, `/instances/${instanceOf('ana')}`);

    // then the path is marked on the diagram of its version
    await page.waitForSelector(`${element('converted')}.path-completed`);
    for (const id of ['start', 'welcomeEmail', 'waitForOrder', 'orderPlaced', 'thankYou', 'converted']) expect(await classesOf(id)).toContain('path-completed');
    for (const id of ['threeDays', 'noOrder']) expect(await classesOf(id)).toEqual([]);
    for (const id of ['f1', 'f2', 'f3', 'f5', 'f7']) expect(await classesOf(id)).toEqual(['path-taken']);
    for (const id of ['f4', 'f6']) expect(await classesOf(id)).toEqual([]);
    expect(await page.textContent('.page-header h1')).toContain('completed');
    expect(await page.textContent('.instance-summary')).toContain('Welcome v1');

    // and the timeline lists the steps in order, with the touchpoints and the message
    const steps = await attributes('#timeline tr.step', 'data-element-id', 'data-state');
    expect(steps).toEqual([
      ['start', 'completed'],
      ['welcomeEmail', 'completed'],
      ['waitForOrder', 'completed'],
      ['orderPlaced', 'completed'],
      ['thankYou', 'completed'],
      ['converted', 'completed'],
    ]);
    expect(await page.textContent('#timeline tr[data-element-id="welcomeEmail"]')).toContain('Welcome email');
    expect(await page.textContent('#timeline tr[data-element-id="welcomeEmail"] .notes')).toContain('email touchpoint "welcome": completed');
    expect(await page.textContent('#timeline tr[data-element-id="orderPlaced"] .notes')).toContain('caught order.placed');
    expect(await page.textContent('#timeline tr[data-element-id="waitForOrder"] .notes')).toBe('');

    // when a step is clicked
    await page.click('#timeline tr[data-element-id="welcomeEmail"]');

    // then its variables show: on entry, and on exit with what the job added
    await page.waitForSelector('#step-details[data-element-id="welcomeEmail"]');
    expect(await page.textContent('#step-details .vars-on-entry tr[data-variable="customerId"]')).toContain('"ana"');
    expect(await page.textContent('#step-details .vars-on-entry tr[data-variable="campaign"]')).toContain('"spring"');
    expect(await page.$('#step-details .vars-on-entry tr[data-variable="welcomeSentAt"]')).toBeNull();
    const sent = '#step-details .vars-on-exit tr[data-variable="welcomeSentAt"]';
    expect(await page.textContent(sent)).toContain('2025-11-26T09:30:01.000Z');
    expect(await page.getAttribute(sent, 'class')).toContain('changed');
    expect(await page.textContent('#step-details .job-block')).toContain('touchpoint.email');
    expect(await page.textContent('#step-details .job-block')).toContain('test-mailer');
    expect(await classesOf('welcomeEmail')).toEqual(['path-completed', 'path-selected']);

    // and the step that caught the order shows the message
    await page.click('#timeline tr[data-element-id="orderPlaced"]');
    await page.waitForSelector('#step-details[data-element-id="orderPlaced"] .message-block');
    expect(await page.textContent('#step-details .message-block')).toContain('order.placed');
    expect(await page.textContent('#step-details .message-block')).toContain('Correlation keyana');

    // and clicking an element of the diagram selects its step
    await page.click(element('thankYou'));
    await page.waitForSelector('#step-details[data-element-id="thankYou"]');
    expect(await page.textContent('#step-details .vars-on-exit tr[data-variable="thank-youSentAt"]')).toContain('2025-11-26T09:30:01.000Z');
    expect(await page.getAttribute('#timeline tr.selected', 'data-element-id')).toBe('thankYou');
    expect(errors).toEqual([]);
  });

  it("should show an instance's incident, retry it, and show the instance moving on", async () => {
    // given
    await signIn(page, baseUrl, keys.owner, `/instances/${instanceOf('ben')}`);

    // then the failing step is marked and the incident shows with its actions
    await page.waitForSelector(`${element('welcomeEmail')}.path-incident`);
    expect(await classesOf('start')).toEqual(['path-completed']);
    expect(await classesOf('f1')).toEqual(['path-taken']);
    expect(await classesOf('waitForOrder')).toEqual([]);
    const incident = '#instance-incidents .incident.open';
    expect(await page.textContent(incident)).toContain('JOB_NO_RETRIES');
    expect(await page.textContent(incident)).toContain('smtp server unreachable');
    expect(await page.textContent(incident)).toContain('Welcome email');
    expect(await page.textContent('#timeline tr[data-element-id="welcomeEmail"] .notes')).toContain('incident JOB_NO_RETRIES: smtp server unreachable');
    // the incident's step is the one shown first, with the failure of its job
    expect(await page.getAttribute('#step-details', 'data-element-id')).toBe('welcomeEmail');
    expect(await page.textContent('#step-details .job-errors')).toContain('smtp server unreachable (0 retries left)');

    // when retried
    await page.click(`${incident} button.retry`);

    // then the incident is resolved and the job waits for a worker again
    await page.waitForSelector('#instance-incidents .no-open');
    expect(await page.textContent('#instance-incidents .resolved-incidents')).toContain('smtp server unreachable');
    expect(await classesOf('welcomeEmail')).toContain('path-active');
    expect((await as('owner').get(`/api/incidents?processInstanceKey=${instanceOf('ben')}`).expect(200)).body).toEqual([]);

    // and when the email goes out and the view is refreshed
    await workEmails('welcome', { ben: 'complete' });
    await until('Ben to wait for an order', async () => ((await as('owner').get(`/api/instances/${instanceOf('ben')}/timeline`).expect(200)).body.steps as Body[]).map((s) => s.elementId), (ids) => ids.includes('waitForOrder'));
    await page.click('#refresh');

    // then the instance waits for an order
    await page.waitForSelector(`${element('waitForOrder')}.path-active`);
    expect(await classesOf('welcomeEmail')).toEqual(['path-completed', 'path-selected']);
    expect(await classesOf('f2')).toEqual(['path-taken']);
    expect(await page.getAttribute('#timeline tr[data-element-id="waitForOrder"]', 'data-state')).toBe('active');
    expect(errors).toEqual([]);
  });

  it('should list the open incidents with their journey, instance and customer, and cancel an instance', async () => {
    // given
    await signIn(page, baseUrl, keys.owner, '/incidents');

    // then Dan's incident is listed
    const row = `#incidents tr[data-process-instance-key="${instanceOf('dan')}"]`;
    await page.waitForSelector(row);
    expect(await page.textContent(row)).toContain('JOB_NO_RETRIES');
    expect(await page.textContent(row)).toContain('smtp server unreachable');
    expect(await page.textContent(row)).toContain('welcomeEmail');
    expect(await page.getAttribute(`${row} a.journey-link`, 'href')).toBe(`#/journeys/${journey.id}`);
    expect(await page.textContent(`${row} a.journey-link`)).toBe('Welcome v1');
    expect(await page.getAttribute(`${row} a.instance-link`, 'href')).toBe(`#/instances/${instanceOf('dan')}`);
    expect(await page.getAttribute(`${row} a.customer-link`, 'href')).toBe('#/customers/dan');

    // and the journey filter keeps it
    await page.selectOption('#incident-filter [name=journeyId]', journey.id);
    await page.click('#incident-filter button[type=submit]');
    await hashToContain(`journeyId=${journey.id}`);
    await page.waitForSelector(row);

    // when the instance is cancelled (after a second thought)
    await page.click(`${row} button.cancel`);
    await page.click(`${row} button.keep`);
    await page.click(`${row} button.cancel`);
    await page.click(`${row} button.confirm-cancel`);

    // then
    await page.waitForSelector('.incident-list .empty');
    expect(await page.textContent('.incident-list')).toContain('No open incident');
    expect((await as('owner').get(`/api/enrolments/${enrolments.get('dan')!.id}`).expect(200)).body).toMatchObject({ status: 'terminated', cancelledBy: { name: 'test owner' } });
    expect(errors).toEqual([]);
  });

  it("should list and filter customers, and show a customer's profile and history", async () => {
    // given
    await signIn(page, baseUrl, keys.owner, '/customers?limit=3');

    // then the customers show, in pages
    await countToBe('#customers tbody tr', 3);
    await page.click('button.load-more');
    await countToBe('#customers tbody tr', 4);
    expect((await attributes('#customers tbody tr', 'data-external-id')).flat().sort()).toEqual(['ana', 'ben', 'carla', 'dan']);
    expect(await page.textContent('#customers tr[data-external-id="ana"]')).toContain('ana@example.com');

    // when filtered by segment and attribute
    await page.goto(`${baseUrl}/#/customers`);
    await page.selectOption('#customer-filter [name=segment]', 'new');
    await page.fill('#customer-filter [name=attribute]', 'plan:silver; firstName:carla');
    await page.click('#customer-filter button[type=submit]');

    // then
    await hashToContain('segment=new');
    await countToBe('#customers tbody tr', 1);
    expect(await page.getAttribute('#customers tbody tr', 'data-external-id')).toBe('carla');

    // when Ana's profile is opened
    await page.goto(`${baseUrl}/#/customers/ana`);

    // then her profile shows
    await page.waitForSelector('#customer-cards');
    expect(await page.textContent('#customer-attributes tr[data-variable="plan"]')).toContain('"gold"');
    expect(await page.textContent('#customer-addresses')).toContain('ana@example.com');
    expect(await page.textContent('#customer-addresses')).toContain('+34600111222');
    expect(await page.textContent('#customer-consents tr[data-channel="email"]')).toContain('granted');
    expect(await page.textContent('#customer-consents tr[data-channel="email"]')).toContain('signup-form');
    expect(await page.textContent('#customer-profile')).toContain('Europe/Madrid');
    expect(await page.textContent('.page-header h1')).toContain('lead');
    expect(await page.textContent('#customer-aggregates')).toContain('42 EUR (1)');

    // and her history, newest first, linking to her instance
    await page.waitForSelector('#customer-history tbody tr');
    const history = await attributes('#customer-history tbody tr', 'data-kind', 'data-process-instance-key');
    expect(history).toEqual([
      ['touchpoint', instanceOf('ana')],
      ['touchpoint', instanceOf('ana')],
      ['journey', instanceOf('ana')],
    ]);
    expect(await page.textContent('#customer-history tbody tr:nth-child(1)')).toContain('template thank-you');
    expect(await page.textContent('#customer-history tbody tr:nth-child(2)')).toContain('Welcome email');
    expect(await page.textContent('#customer-history tbody tr:nth-child(3)')).toContain('completed');
    expect(await page.textContent('#customer-history tbody tr:nth-child(3) a.journey-link')).toBe('Welcome v1');

    // when her instance is opened from there
    await page.click('#customer-history tbody tr:nth-child(3) a.instance-link');

    // then
    await page.waitForSelector(`${element('converted')}.path-completed`);
    expect(errors).toEqual([]);
  });

  it('should show other roles only what they may read, without calling what they may not', async () => {
    // given a client key: customers, but no history or incidents
    await signIn(page, baseUrl, keys.client, '/customers/ana');
    await page.waitForSelector('#customer-cards');
    expect(await page.$('#history-needs-owner')).not.toBeNull();
    expect(await page.$('#customer-history')).toBeNull();
    await page.goto(`${baseUrl}/#/incidents`);
    await page.waitForSelector('#needs-owner:has-text("Incidents are for process owners")');

    // and an analyst: the journey, but not its instances
    await page.click('#sign-out');
    await page.fill('#api-key', keys.analyst);
    await page.click('button[type=submit]');
    await page.waitForSelector('nav.top');
    await page.goto(`${baseUrl}/#/journeys/${journey.id}/instances`);
    await page.waitForSelector('#needs-owner:has-text("A journey\'s instances are for process owners")');
    expect(await page.textContent('nav.tabs a.active')).toBe('Instances');
    await page.goto(`${baseUrl}/#/instances/${instanceOf('ana')}`);
    await page.waitForSelector('#needs-owner:has-text("Instance histories are for process owners")');
    expect(await page.$('.diagram')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('should say so when an instance does not exist', async () => {
    // given
    await signIn(page, baseUrl, keys.owner, '/instances/2251799813999999');

    // then
    const box = await page.waitForSelector('.error-box');
    expect(await box.textContent()).toMatch(/2251799813999999/);
    expect(errors.filter((error) => !error.includes('404'))).toEqual([]);
  });
});
