import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { intents, isWaitingAt, settle } from '../helpers/event-records';
import { activateNow, type Job } from '../helpers/jobs';
import { instanceRecords, waitForInstanceEnd } from '../helpers/records';

const DAY = 86_400_000;

const WELCOME = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="welcome-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="registered" name="customer.registered"/>
  <bpmn:message id="ordered" name="order.placed">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:process id="welcome" isExecutable="true">
    <bpmn:startEvent id="registeredStart"><bpmn:messageEventDefinition messageRef="registered"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="registeredStart" targetRef="welcomeEmail"/>
    <bpmn:serviceTask id="welcomeEmail"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/>
      <zeebe:taskHeaders><zeebe:header key="template" value="welcome"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="welcomeEmail" targetRef="waitForOrder"/>
    <bpmn:eventBasedGateway id="waitForOrder"/>
    <bpmn:sequenceFlow id="f3" sourceRef="waitForOrder" targetRef="orderPlaced"/>
    <bpmn:sequenceFlow id="f4" sourceRef="waitForOrder" targetRef="threeDays"/>
    <bpmn:intermediateCatchEvent id="orderPlaced"><bpmn:messageEventDefinition messageRef="ordered"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="threeDays"><bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="orderPlaced" targetRef="thankYou"/>
    <bpmn:sequenceFlow id="f6" sourceRef="threeDays" targetRef="reminder"/>
    <bpmn:serviceTask id="thankYou"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/>
      <zeebe:taskHeaders><zeebe:header key="template" value="thank-you"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="reminder"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/>
      <zeebe:taskHeaders><zeebe:header key="template" value="reminder"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f7" sourceRef="thankYou" targetRef="end"/>
    <bpmn:sequenceFlow id="f8" sourceRef="reminder" targetRef="end"/>
    <bpmn:exclusiveGateway id="end"/>
    <bpmn:sequenceFlow id="f9" sourceRef="end" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>`;

/**
 * The journey of the brief, end to end through the Zeebe client: a registration starts it, a
 * welcome email goes out, then either the customer orders (thank-you) or three days pass
 * (reminder) — with the clock advanced, not waited for.
 */
describe('a welcome journey', () => {
  let h: EngineHarness;
  const clock = new ManualClock(Date.parse('2026-11-24T09:00:00Z'));

  beforeAll(async () => {
    h = await startEngineHarness({ clock });
    await h.zeebe.deployResource({ process: Buffer.from(WELCOME), name: 'welcome.bpmn' });
  });
  afterAll(() => h.close());

  function register(customerId: string) {
    return h.zeebe.publishMessage({ name: 'customer.registered', correlationKey: customerId, variables: { customerId }, timeToLive: 0 });
  }

  function placeOrder(customerId: string, orderId: string) {
    return h.zeebe.publishMessage({ name: 'order.placed', correlationKey: customerId, variables: { orderId }, timeToLive: 0 });
  }

  /** Every email job due now (once what was asked so far is processed), by customer id. */
  async function emails(): Promise<Map<string, Job>> {
    await settle(h);
    const jobs = await activateNow(h, 'touchpoint.email', { maxJobsToActivate: 20 });
    return new Map(jobs.map((job) => [String(job.variables.customerId), job]));
  }

  /** Completes the email jobs and returns their templates by customer id. */
  async function send(jobs: Map<string, Job>): Promise<Record<string, string>> {
    const templates: Record<string, string> = {};
    for (const [customerId, job] of jobs) {
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      templates[customerId] = String((job.customHeaders as Record<string, string>).template);
    }
    return templates;
  }

  /** The intents of one value type's records in the instance, in order. */
  async function recordIntents(processInstanceKey: string, valueType: string): Promise<string[]> {
    return intents(await instanceRecords(h.db, processInstanceKey, { valueType }));
  }

  it('should thank a customer who orders within three days and close the three-day timer', async () => {
    // given
    await register('c-1');
    const welcome = await emails();
    const pik = welcome.get('c-1')!.processInstanceKey;
    expect(await send(welcome)).toEqual({ 'c-1': 'welcome' });
    // when
    clock.advance(2 * DAY);
    await placeOrder('c-1', 'o-9');
    // then
    const thanks = await emails();
    expect(thanks.get('c-1')!.variables).toEqual({ customerId: 'c-1', orderId: 'o-9' });
    expect(await send(thanks)).toEqual({ 'c-1': 'thank-you' });
    expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    expect(await recordIntents(pik, 'TIMER')).toEqual(['CREATED', 'CANCELED']);
    expect(await recordIntents(pik, 'PROCESS_MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'CORRELATED']);
  });

  it('should remind a customer who has not ordered after three days, and not before', async () => {
    // given
    await register('c-2');
    const welcome = await emails();
    const pik = welcome.get('c-2')!.processInstanceKey;
    await send(welcome);
    // when: a second short of three days
    clock.advance(3 * DAY - 1000);
    const early = await emails();
    const triggeredEarly = await recordIntents(pik, 'TIMER');
    // and three days
    clock.advance(1000);
    const due = await emails();
    // then
    expect(early.size).toBe(0);
    expect(triggeredEarly).toEqual(['CREATED']);
    expect(await send(due)).toEqual({ 'c-2': 'reminder' });
    expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    expect(await recordIntents(pik, 'TIMER')).toEqual(['CREATED', 'TRIGGERED']);
    expect(await recordIntents(pik, 'PROCESS_MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'DELETED']);
    expect(await recordIntents(pik, 'MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'DELETED']);
  });

  it('should continue only the customer whose order was placed while two customers wait at once', async () => {
    // given: two customers registered and welcomed, both waiting for an order or three days
    await register('c-3');
    await register('c-4');
    const welcome = await emails();
    expect(await send(welcome)).toEqual({ 'c-3': 'welcome', 'c-4': 'welcome' });
    const ordering = welcome.get('c-3')!.processInstanceKey;
    const waiting = welcome.get('c-4')!.processInstanceKey;
    expect(ordering).not.toBe(waiting);
    // when
    clock.advance(DAY);
    await placeOrder('c-3', 'o-31');
    // then only c-3 goes on, and its timer branch is closed
    const afterOrder = await emails();
    expect([...afterOrder.keys()]).toEqual(['c-3']);
    expect(await send(afterOrder)).toEqual({ 'c-3': 'thank-you' });
    expect((await waitForInstanceEnd(h.db, ordering)).intent).toBe('ELEMENT_COMPLETED');
    expect(await recordIntents(ordering, 'TIMER')).toEqual(['CREATED', 'CANCELED']);
    expect(await recordIntents(ordering, 'MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'CORRELATING', 'CORRELATED']);
    expect(await isWaitingAt(h.db, waiting, 'waitForOrder')).toBe(true);
    expect(await recordIntents(waiting, 'TIMER')).toEqual(['CREATED']);
    expect(await recordIntents(waiting, 'PROCESS_MESSAGE_SUBSCRIPTION')).toEqual(['CREATED']);
    // when the other customer's three days are over
    clock.advance(2 * DAY);
    // then it is reminded, and its message branch is closed
    expect(await send(await emails())).toEqual({ 'c-4': 'reminder' });
    expect((await waitForInstanceEnd(h.db, waiting)).intent).toBe('ELEMENT_COMPLETED');
    expect(await recordIntents(waiting, 'TIMER')).toEqual(['CREATED', 'TRIGGERED']);
    expect(await recordIntents(waiting, 'PROCESS_MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'DELETED']);
    expect(await recordIntents(waiting, 'MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'DELETED']);
    // and a late order for it finds nothing to continue
    await placeOrder('c-4', 'o-41');
    expect((await emails()).size).toBe(0);
  });
});
