import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';

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

  async function takeEmail(customerId: string) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const jobs = await h.zeebe.activateJobs({ type: 'touchpoint.email', worker: 'test', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 } as never);
      const mine = jobs.find((j) => j.variables.customerId === customerId);
      for (const other of jobs.filter((j) => j !== mine)) await h.zeebe.failJob({ jobKey: other.key, retries: other.retries, errorMessage: 'not mine', retryBackOff: 0 });
      if (mine) {
        await h.zeebe.completeJob({ jobKey: mine.key, variables: {} });
        return mine.customHeaders.template as string;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no email job for ${customerId}`);
  }

  async function instanceOf(customerId: string): Promise<string> {
    const { rows } = await h.db.query(
      `select process_instance_key from engine.record where value_type = 'VARIABLE' and value->>'name' = 'customerId' and value->>'value' = $1 limit 1`,
      [JSON.stringify(customerId)],
    );
    return rows[0].process_instance_key;
  }

  async function completed(processInstanceKey: string): Promise<boolean> {
    const { rows } = await h.db.query(
      `select 1 from engine.record where process_instance_key = $1 and bpmn_element_type = 'PROCESS' and intent = 'ELEMENT_COMPLETED'`,
      [processInstanceKey],
    );
    return rows.length === 1;
  }

  it('should thank a customer who orders within three days', async () => {
    // given
    await h.zeebe.publishMessage({ name: 'customer.registered', correlationKey: 'c-1', variables: { customerId: 'c-1' }, timeToLive: 0 });
    expect(await takeEmail('c-1')).toBe('welcome');
    // when
    clock.advance(2 * 86_400_000);
    await h.zeebe.publishMessage({ name: 'order.placed', correlationKey: 'c-1', variables: { orderId: 'o-9' }, timeToLive: 0 });
    // then
    expect(await takeEmail('c-1')).toBe('thank-you');
    expect(await completed(await instanceOf('c-1'))).toBe(true);
  });

  it('should remind a customer who has not ordered after three days, and not before', async () => {
    // given
    await h.zeebe.publishMessage({ name: 'customer.registered', correlationKey: 'c-2', variables: { customerId: 'c-2' }, timeToLive: 0 });
    expect(await takeEmail('c-2')).toBe('welcome');
    // when
    clock.advance(3 * 86_400_000 - 1000);
    await new Promise((r) => setTimeout(r, 100));
    const early = await h.zeebe.activateJobs({ type: 'touchpoint.email', worker: 'test', timeout: 1000, maxJobsToActivate: 10, requestTimeout: -1 } as never);
    clock.advance(1000);
    // then
    expect(early).toEqual([]);
    expect(await takeEmail('c-2')).toBe('reminder');
    expect(await completed(await instanceOf('c-2'))).toBe(true);
  });
});
