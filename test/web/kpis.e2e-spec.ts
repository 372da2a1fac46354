import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { ZeebeGrpcClient } from '../../src/engine-host';
import type { RoleKeys } from '../helpers/auth';
import { openPage, pageErrors, signIn, startWebTest, type WebTest } from '../helpers/browser';
import type { TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { sendEmails } from '../helpers/touchpoints';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Welcome email, then an event-based gateway waiting for order.placed or three days; buyers are thanked. */
const WELCOME_JOURNEY = readFileSync(join(__dirname, '..', 'fixtures', 'new-user.welcome.bpmn'), 'utf8');

/**
 * What the test drives, per customer: its A/B variant, whether it orders, whether its thank-you
 * email goes out, and whether its enrolment is cancelled while it waits.
 */
const DRIVES = [
  { customerId: 'kpi-a1', variant: 'A', orders: true, thanked: true },
  { customerId: 'kpi-a2', variant: 'A', orders: true, thanked: false },
  { customerId: 'kpi-a3', variant: 'A', orders: false },
  { customerId: 'kpi-b1', variant: 'B', orders: true, thanked: true },
  { customerId: 'kpi-b2', variant: 'B', orders: false },
  { customerId: 'kpi-b3', variant: 'B', orders: false, cancelled: true },
] as const;

/**
 * The KPI screen in headless Chromium against the real service: a journey deployed, customers
 * enrolled in two variants, emails sent by this test's worker, orders posted as events — then the
 * heatmap, funnel, summary, daily chart and A/B comparison must show what the API counts.
 */
describe('web client: KPIs of a journey (Chromium)', () => {
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
  let kpis: Body;
  const owner = (path: string) => request(http).get(path).set('x-api-key', keys.owner);

  beforeAll(async () => {
    web = await startWebTest();
    ({ testApp, http, baseUrl, keys, zeebe, browser } = web);

    // given a deployed journey whose goal is an order
    const send = (method: 'post' | 'put' | 'delete', path: string, key: string, body?: object) => request(http)[method](path).set('x-api-key', key).send(body);
    journey = (await send('post', '/api/journeys', keys.analyst, { processId: 'first-journey', name: 'KPI welcome', goal: { type: 'message', messageName: 'order.placed' } }).expect(201)).body;
    await send('post', `/api/journeys/${journey.id}/versions`, keys.analyst, { bpmnXml: WELCOME_JOURNEY }).expect(201);
    await send('post', `/api/journeys/${journey.id}/versions/1/deploy`, keys.analyst).expect(201);

    // and customers enrolled in variant A or B
    const enrolments = new Map<string, Body>();
    for (const { customerId, variant } of DRIVES) {
      await send('put', `/api/customers/${customerId}`, keys.client, { attributes: { firstName: customerId }, addresses: { email: `${customerId}@example.com` } }).expect(201);
      enrolments.set(customerId, (await send('post', `/api/journeys/${journey.id}/enrolments`, keys.client, { customerId, variables: { variant } }).expect(201)).body);
    }

    // when the welcome emails go out, some customers order, some are thanked, and one gives up
    await sendEmails(zeebe, 'welcome', DRIVES.map((d) => d.customerId));
    for (const drive of DRIVES.filter((d) => d.orders)) {
      await send('post', '/api/events', keys.client, { source: 'shop', eventId: `order-${drive.customerId}`, type: 'order.placed', customerId: drive.customerId, occurredAt: new Date().toISOString() }).expect(201);
    }
    await sendEmails(zeebe, 'thank-you', DRIVES.filter((d) => d.orders && d.thanked).map((d) => d.customerId));
    for (const drive of DRIVES.filter((d) => 'cancelled' in d)) {
      await send('delete', `/api/enrolments/${enrolments.get(drive.customerId)!.id}`, keys.client).expect(200);
    }

    // then the API counts it (the KPI worker writes its rows a moment later)
    kpis = await until(
      'the KPIs of what the test drove',
      async () => (await owner(`/api/journeys/${journey.id}/kpis`).expect(200)).body,
      (body) => body.instances.completed === 2 && body.instances.terminated === 1 && body.instances.converted === 3 && element(body, 'thankYou').inFlight === 1,
    );
    expect(kpis.instances).toEqual({ started: 6, completed: 2, terminated: 1, active: 3, converted: 3, conversionRate: 0.5 });
    expect(counts(element(kpis, 'waitForOrder'))).toEqual({ entered: 6, completed: 3, inFlight: 2, dropped: 1 });
    expect(counts(element(kpis, 'thankYou'))).toEqual({ entered: 3, completed: 2, inFlight: 1, dropped: 0 });
    expect(kpis.variants.map((v: Body) => [v.variant, v.instances.started, v.instances.converted])).toEqual([
      ['A', 3, 2],
      ['B', 3, 1],
    ]);
  }, 180_000);

  afterAll(() => web?.close());

  beforeEach(async () => {
    page = await openPage(browser, { locale: 'en-US', timezoneId: 'UTC' });
    errors = pageErrors(page);
  });

  afterEach(async () => {
    await page?.close();
  });

  /** Signs in as the owner on the KPI screen (with `query`) and waits for its numbers. */
  async function open(query = ''): Promise<void> {
    await signIn(page, baseUrl, keys.owner, `/journeys/${journey.id}/kpis${query}`);
    await page.waitForSelector('#kpis[data-state=ready]');
  }

  it('should show the instances in summary cards and every element in a funnel, as the API counts them', async () => {
    // when
    await open();

    // then the header and the filters
    expect(await page.textContent('.journey-header h1')).toContain('KPI welcome');
    expect(await page.getAttribute('nav.tabs a.active', 'data-tab')).toBe('kpis');
    expect(await page.textContent('#kpi-filters [name=version] option:checked')).toBe('v1 · live');

    // and the summary cards
    expect(await cards()).toEqual({ started: '6', active: '3', completed: '2', terminated: '1', conversionRate: '50%' });
    expect(await page.textContent('[data-kpi=conversionRate] .kpi-note')).toBe('3 reached the goal');
    expect(await page.textContent('[data-kpi=active] .kpi-note')).toBe('50% of started');

    // and one funnel row per element, in the API's (diagram) order, with its numbers
    const rows = await page.$$eval('#kpi-funnel tbody tr', (trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-element-id'), cells: Object.fromEntries([...tr.querySelectorAll('td[data-kpi]')].map((td) => [td.getAttribute('data-kpi'), td.textContent])) })),
    );
    expect(rows.map((row) => row.id)).toEqual(kpis.elements.map((e: Body) => e.elementId));
    for (const e of kpis.elements as Body[]) {
      expect({ id: e.elementId, ...rows.find((row) => row.id === e.elementId)!.cells }).toEqual({
        id: e.elementId,
        entered: String(e.entered),
        completed: String(e.completed),
        inFlight: String(e.inFlight),
        dropped: String(e.dropped),
        dropRate: e.entered === 0 ? '—' : percent(e.dropped / e.entered),
        p50: duration(e.timeInActivity?.p50Ms),
        p95: duration(e.timeInActivity?.p95Ms),
      });
    }
    expect(await page.textContent('#kpi-funnel tr[data-element-id=waitForOrder] td')).toContain('Ordered?');
    expect(await page.textContent('#kpi-funnel tr[data-element-id=waitForOrder] [data-kpi=dropRate]')).toBe('16.7%');
    expect(errors).toEqual([]);
  });

  it('should colour the diagram by the chosen measure, with a badge of the API number on each element', async () => {
    // given
    await open();
    const measures: [string, (e: Body) => string][] = [
      ['entered', (e) => String(e.entered)],
      ['inFlight', (e) => String(e.inFlight)],
      ['dropped', (e) => String(e.dropped)],
      ['p50', (e) => duration(e.timeInActivity?.p50Ms)],
    ];

    for (const [measure, expected] of measures) {
      // when
      await page.selectOption('#heat-measure', measure);

      // then every element of the API has a badge with its number for that measure
      const badges = await page.$$eval('.heat-badge', (els) => els.map((el) => [el.getAttribute('data-element-id'), el.getAttribute('data-measure'), el.textContent]));
      expect(Object.fromEntries(badges.map(([id, m, text]) => [id, `${m}:${text}`]))).toEqual(Object.fromEntries((kpis.elements as Body[]).map((e) => [e.elementId, `${measure}:${expected(e)}`])));
      expect(await page.getAttribute('#heat-legend', 'data-measure')).toBe(measure);
      expect(new URL(page.url()).hash).toContain(`measure=${measure}`);
    }

    // and switching the measure recolours: the email that all entered and none waits at goes from hottest to cold
    await page.selectOption('#heat-measure', 'entered');
    expect(await heat('welcomeEmail')).toBe('heat-4');
    expect(await heat('threeDays')).toBe('heat-0');
    expect(await heat('thankYou')).toBe('heat-2');
    expect(await page.textContent('#heat-legend')).toContain('100% = 6');
    await page.selectOption('#heat-measure', 'inFlight');
    expect(await heat('welcomeEmail')).toBe('heat-0');
    expect(await heat('waitForOrder')).toBe('heat-4');
    expect(await heat('thankYou')).toBe('heat-2');
    expect(await page.textContent('#heat-legend')).toContain('100% = 2');
    // a shape coloured hot really is filled so
    const fill = await page.$eval('g.djs-element[data-element-id=waitForOrder] .djs-visual > :first-child', (shape) => shape.ownerDocument.defaultView!.getComputedStyle(shape).fill);
    expect(fill).toBe('rgb(242, 130, 58)');
    // the start event is never timed (it has only an end listener)
    await page.selectOption('#heat-measure', 'p50');
    expect(await heat('start')).toBe('heat-none');
    expect(errors).toEqual([]);
  });

  it("should plot today's instances started, completed and converted in the daily chart", async () => {
    // given
    const daily = (await owner(`/api/journeys/${journey.id}/kpis/daily`).expect(200)).body;
    const today = new Date().toISOString().slice(0, 10);
    expect(daily.days.at(-1)).toMatchObject({ day: today, instances: { started: 6, completed: 2, converted: 3 } });

    // when
    await open();

    // then there is a point per day of the last 30 and series, and today's are the API's numbers
    for (const series of ['started', 'completed', 'converted']) {
      expect(await page.$$eval(`#kpi-daily g[data-series=${series}] circle`, (circles) => circles.length)).toBe(30);
      const point = await page.$(`#kpi-daily g[data-series=${series}] circle[data-day="${today}"]`);
      expect(await point!.getAttribute('data-value')).toBe(String(daily.days.at(-1).instances[series]));
      expect(await point!.textContent()).toBe(`${today}: ${daily.days.at(-1).instances[series]} ${series}`);
    }
    // today's started point is the highest of the chart, yesterday's lies on the zero line
    const y = (day: string) => page.$eval(`#kpi-daily g[data-series=started] circle[data-day="${day}"]`, (c) => Number(c.getAttribute('cy')));
    expect(await y(today)).toBeLessThan(await y(daily.days.at(-2).day));
    expect(await page.textContent('#kpi-daily figcaption')).toBe('Started 6Completed 2Converted 3');
    expect(errors).toEqual([]);
  });

  it('should compare the A/B variants side by side with their conversions and the difference', async () => {
    // when
    await open();

    // then
    const table = await page.$$eval('#kpi-ab tr', (trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
    const [a, b] = kpis.variants as Body[];
    expect(table).toEqual([
      ['', 'A', 'B', 'B − A'],
      ['Started', '3', '3', '0'],
      ['Active', String(a.instances.active), String(b.instances.active), signed(b.instances.active - a.instances.active)],
      ['Completed', '1', '1', '0'],
      ['Terminated', '0', '1', '+1'],
      ['Converted', '2', '1', '-1'],
      ['Conversion', '66.7%', '33.3%', '-33.3 pp'],
    ]);
    expect([a.instances.conversionRate, b.instances.conversionRate]).toEqual([2 / 3, 1 / 3]);
    expect(await page.textContent('#kpi-ab td.best')).toBe('66.7%');
    expect(errors).toEqual([]);
  });

  it('should narrow everything to a variant and a range of days, keep them in the address, and refuse a backwards range', async () => {
    // given
    await open();
    const onlyB = (await owner(`/api/journeys/${journey.id}/kpis?variant=B`).expect(200)).body;

    // when the B variant is chosen
    expect(await page.$$eval('#kpi-filters [name=variant] option', (options) => options.map((o) => o.textContent))).toEqual(['All variants', 'A', 'B']);
    await page.selectOption('#kpi-filters [name=variant]', 'B');
    await page.waitForSelector('#kpis[data-state=ready]');

    // then the cards, badges and daily chart are B's, the comparison still shows both
    expect(await cards()).toEqual({ started: '3', active: '1', completed: '1', terminated: '1', conversionRate: '33.3%' });
    expect(await badge('welcomeEmail')).toBe(String(element(onlyB, 'welcomeEmail').entered));
    expect(await badge('waitForOrder')).toBe('3');
    expect(await page.getAttribute(`#kpi-daily g[data-series=started] circle[data-day="${new Date().toISOString().slice(0, 10)}"]`, 'data-value')).toBe('3');
    expect(await page.$$eval('#kpi-ab thead th[data-variant]', (ths) => ths.map((th) => th.textContent))).toEqual(['A', 'B']);
    expect(new URL(page.url()).hash).toContain('variant=B');

    // and a reload shows the same
    await page.reload();
    await page.waitForSelector('#kpis[data-state=ready]');
    expect(await page.inputValue('#kpi-filters [name=variant]')).toBe('B');
    expect((await cards()).started).toBe('3');

    // when the range starts tomorrow, nothing is covered
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.selectOption('#kpi-filters [name=variant]', '');
    await page.waitForSelector('#kpis[data-state=ready]');
    await page.fill('#kpi-filters [name=from]', tomorrow);
    await page.waitForSelector('#kpis[data-state=ready]');
    expect(await cards()).toEqual({ started: '0', active: '0', completed: '0', terminated: '0', conversionRate: '—' });
    expect(await badge('welcomeEmail')).toBe('0');
    expect(await page.textContent('#kpi-ab')).toContain('No instances in the range');

    // and when it ends before it starts, the screen says so and shows no stale numbers
    await page.fill('#kpi-filters [name=to]', new Date().toISOString().slice(0, 10));
    await page.waitForSelector('#kpis[data-state=error]');
    expect(await page.textContent('#kpis .error-box')).toContain('The range must end on or after its first day');
    expect(await page.$('#kpi-summary')).toBeNull();
    expect(await page.$('.heat-badge')).toBeNull();

    // and "All days" brings every instance back
    await page.click('#kpi-filters button:has-text("All days")');
    await page.waitForSelector('#kpis[data-state=ready]');
    expect((await cards()).started).toBe('6');
    expect(errors).toEqual([]);
  });

  it("should show the API's refusal when the key's role may not read KPIs", async () => {
    // when
    await signIn(page, baseUrl, keys.client, `/journeys/${journey.id}/kpis`);

    // then
    const box = await page.waitForSelector('#kpis .error-box');
    expect(await box.textContent()).toContain("this key's role is client");
    expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
  });

  async function cards(): Promise<Record<string, string>> {
    return page.$$eval('#kpi-summary .kpi-card', (els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-kpi'), el.querySelector('.kpi-value')!.textContent])));
  }

  async function badge(elementId: string): Promise<string | null> {
    return page.textContent(`.heat-badge[data-element-id=${elementId}]`);
  }

  /** The heat marker of an element on the diagram. */
  async function heat(elementId: string): Promise<string | undefined> {
    const classes = (await page.getAttribute(`g.djs-element[data-element-id=${elementId}]`, 'class')) ?? '';
    return classes.split(/\s+/).find((c) => c.startsWith('heat-'));
  }
});

function element(body: Body, elementId: string): Body {
  return (body.elements as Body[]).find((e) => e.elementId === elementId)!;
}

function counts(e: Body): Body {
  return { entered: e.entered, completed: e.completed, inFlight: e.inFlight, dropped: e.dropped };
}

/** As the client writes a rate in en-US: "16.7%", "50%". */
function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** As the client's formatDuration writes milliseconds: "850 ms", "12.4 s", "3.2 min", "5.1 h", "2.0 d". */
function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}
