import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { BPMN_XML_MAX_LENGTH } from '../src/dtos';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../src/engine-host';
import { JourneyService } from '../src/services';
import { JobWorkerRunner } from '../src/workers';
import { createKeys, expectAuthMatrix, type RoleKeys, withKey } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Vars = Record<string, any>;

const SAMPLES = join(__dirname, '..', 'bpmn');

/**
 * start → send (touchpoint.email) → split ─hero→ offer (touchpoint.email) → converted
 *                                        └─default→ done
 * `broken`: the email task has no job type and the hero condition is not FEEL.
 */
function journeyXml(processId: string, options: { broken?: boolean; offerName?: string } = {}): string {
  const send = options.broken
    ? '<bpmn:serviceTask id="send" name="Send welcome email"/>'
    : `<bpmn:serviceTask id="send" name="Send welcome email"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/><zeebe:taskHeaders><zeebe:header key="template" value="welcome"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>`;
  const condition = options.broken ? '=segment = ' : '=segment = "hero"';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="definitions_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" name="Welcome" isExecutable="true">
    <bpmn:startEvent id="start" name="Registered"/>
    ${send}
    <bpmn:exclusiveGateway id="split" name="Segment?" default="toDone"/>
    <bpmn:serviceTask id="offer" name="${options.offerName ?? 'Send hero offer'}"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="converted" name="Converted"/>
    <bpmn:endEvent id="done" name="Done"/>
    <bpmn:sequenceFlow id="toSend" sourceRef="start" targetRef="send"/>
    <bpmn:sequenceFlow id="toSplit" sourceRef="send" targetRef="split"/>
    <bpmn:sequenceFlow id="toOffer" name="hero" sourceRef="split" targetRef="offer"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="toDone" sourceRef="split" targetRef="done"/>
    <bpmn:sequenceFlow id="toConverted" sourceRef="offer" targetRef="converted"/>
  </bpmn:process>
</bpmn:definitions>`;
}

describe('journeys (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let zeebe: ZeebeGrpcClient;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    zeebe = testApp.app.get(ZeebeClientRepository).client;
    // These tests complete the KPI listener jobs themselves, to see which elements got them.
    await testApp.app.get(JobWorkerRunner).stop();
  });

  afterAll(() => testApp?.close());

  const as = (role: keyof RoleKeys) => withKey(http, keys[role]);
  const analyst = () => as('analyst');

  async function createJourney(processId: string, extra: object = {}): Promise<Body> {
    return (await analyst().post('/api/journeys', { processId, name: `Journey ${processId}`, ...extra }).expect(201)).body;
  }

  async function addVersion(journeyId: string, bpmnXml: string): Promise<Body> {
    return (await analyst().post(`/api/journeys/${journeyId}/versions`, { bpmnXml }).expect(201)).body;
  }

  async function activate(type: string): Promise<{ key: string; elementId: string; type: string; processInstanceKey: string; variables: Vars }[]> {
    return (await zeebe.activateJobs({ type, worker: 'journeys-e2e', timeout: 30_000, maxJobsToActivate: 10, requestTimeout: -1 } as never)) as never;
  }

  /**
   * Runs one instance to its end through the Zeebe client: completes every job of the given
   * types as it appears (KPI listener jobs included), with `variables[type]`. Returns the KPI
   * listener jobs' element ids in order, and the instance's final variables.
   */
  async function runInstance(bpmnProcessId: string, options: { variables?: Vars; kpiJobType?: string; work: Record<string, Vars> }) {
    const kpiJobType = options.kpiJobType ?? 'travesia.kpi';
    let finished = false;
    const result = zeebe
      .createProcessInstanceWithResult({ bpmnProcessId, variables: options.variables ?? {}, requestTimeout: 25_000 })
      .finally(() => (finished = true));
    const kpiElements: string[] = [];
    const workElements: string[] = [];
    const deadline = Date.now() + 25_000;
    while (!finished && Date.now() < deadline) {
      let progressed = false;
      for (const type of [kpiJobType, ...Object.keys(options.work)]) {
        for (const job of await activate(type)) {
          expect(String(job.processInstanceKey)).toMatch(/^\d+$/);
          (type === kpiJobType ? kpiElements : workElements).push(job.elementId);
          await zeebe.completeJob({ jobKey: job.key, variables: type === kpiJobType ? {} : options.work[type] });
          progressed = true;
        }
      }
      if (!progressed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { kpiElements, workElements, variables: (await result).variables as Vars };
  }

  describe('journeys', () => {
    it('should create a journey with defaults, attributed to the key, and read it back', async () => {
      // when
      const created = await createJourney('welcome-basic', { description: 'Greets new leads', goal: { type: 'end_event', endEventId: 'converted' } });

      // then
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        processId: 'welcome-basic',
        name: 'Journey welcome-basic',
        description: 'Greets new leads',
        goal: { type: 'end_event', endEventId: 'converted' },
        reentry: 'never',
        kpiListeners: { enabled: true, jobType: 'travesia.kpi', defaultJobType: true },
        liveVersion: null,
        latestVersion: null,
        archived: false,
        archivedAt: null,
        createdBy: { keyId: expect.any(String), name: 'test analyst' },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const { body: read } = await as('owner').get(`/api/journeys/${created.id}`).expect(200);
      expect(read).toEqual(created);
      const { body: list } = await as('owner').get('/api/journeys').expect(200);
      expect(list.map((journey: Body) => journey.processId)).toContain('welcome-basic');
    });

    it('should change name, goal, re-entry rule and KPI listener settings, but never the process id', async () => {
      // given
      const journey = await createJourney('welcome-update');

      // when
      const { body: updated } = await analyst()
        .patch(`/api/journeys/${journey.id}`, {
          name: 'Welcome (v2)',
          goal: { type: 'message', messageName: 'order.placed' },
          reentry: 'after_exit',
          kpiListeners: { jobType: 'kpi.custom' },
        })
        .expect(200);

      // then
      expect(updated).toMatchObject({
        processId: 'welcome-update',
        name: 'Welcome (v2)',
        goal: { type: 'message', messageName: 'order.placed' },
        reentry: 'after_exit',
        kpiListeners: { enabled: true, jobType: 'kpi.custom', defaultJobType: false },
      });
      const { body: reset } = await analyst().patch(`/api/journeys/${journey.id}`, { goal: null, kpiListeners: { jobType: null, enabled: false } }).expect(200);
      expect(reset).toMatchObject({ goal: null, kpiListeners: { enabled: false, jobType: 'travesia.kpi', defaultJobType: true } });
      const refused = await analyst().patch(`/api/journeys/${journey.id}`, { processId: 'other' }).expect(400);
      expect(refused.body.details).toEqual([{ field: 'processId', messages: ['property processId should not exist'] }]);
    });

    it('should refuse a second journey with the same process id', async () => {
      // given
      await createJourney('welcome-twice');

      // when
      const { body } = await analyst().post('/api/journeys', { processId: 'welcome-twice', name: 'Again' }).expect(409);

      // then
      expect(body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringContaining("'welcome-twice' exists already") });
    });

    it('should answer 400 with the problems per field', async () => {
      // when
      const { body } = await analyst()
        .post('/api/journeys', {
          processId: '1 bad id',
          name: '   ',
          reentry: 'sometimes',
          goal: { type: 'end_event', messageName: 'x' },
          kpiListeners: { enabled: 'yes', jobType: 'has space' },
          colour: 'blue',
        })
        .expect(400);

      // then
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Validation failed' });
      const fields = Object.fromEntries(body.details.map((detail: Body) => [detail.field, detail.messages]));
      expect(Object.keys(fields).sort()).toEqual(
        ['colour', 'goal.endEventId', 'goal.messageName', 'kpiListeners.enabled', 'kpiListeners.jobType', 'name', 'processId', 'reentry'].sort(),
      );
      expect(fields.processId).toEqual([expect.stringContaining('processId must be a BPMN id')]);
      expect(fields['goal.messageName']).toEqual(['messageName is only allowed when type is message']);
      expect(fields.reentry).toEqual([expect.stringContaining('never, after_exit, always')]);
    });

    it('should answer 404 for an unknown journey and 400 for an id that is not a UUID', async () => {
      const unknown = randomUUID();
      const { body } = await as('owner').get(`/api/journeys/${unknown}`).expect(404);
      expect(body).toEqual({ statusCode: 404, error: 'Not Found', message: `Expected the id of a journey, found no journey ${unknown}` });
      await analyst().patch(`/api/journeys/${unknown}`, { name: 'x' }).expect(404);
      await analyst().post(`/api/journeys/${unknown}/archive`).expect(404);
      await as('owner').get(`/api/journeys/${unknown}/versions`).expect(404);
      await analyst().post(`/api/journeys/${unknown}/versions`, { bpmnXml: journeyXml('x') }).expect(404);
      const { body: notUuid } = await as('owner').get('/api/journeys/welcome').expect(400);
      expect(notUuid.details).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    });
  });

  describe('versions, validation and deploy', () => {
    let journey: Body;

    beforeAll(async () => {
      journey = await createJourney('onboarding', { goal: { type: 'end_event', endEventId: 'converted' } });
    });

    it('should store a broken version with its lint errors per element, and refuse to deploy it', async () => {
      // when
      const version = await addVersion(journey.id, journeyXml('onboarding', { broken: true }));

      // then
      expect(version).toMatchObject({
        journeyId: journey.id,
        version: 1,
        author: { keyId: expect.any(String), name: 'test analyst' },
        live: false,
        diff: null,
        lastDeployment: null,
        deployedXml: null,
        validation: { valid: false, errorCount: 2, ruleset: expect.stringContaining('camunda-compat/camunda-cloud-8-8') },
      });
      expect(version.checksum).toMatch(/^[0-9a-f]{64}$/);
      const errors = version.validation.problems.filter((problem: Body) => problem.category === 'error');
      expect(errors).toEqual([
        {
          elementId: 'send',
          rule: 'camunda-compat/implementation',
          category: 'error',
          message: 'Element of type <bpmn:ServiceTask> must have one extension element of type <zeebe:TaskDefinition>',
        },
        { elementId: 'toOffer', rule: 'camunda-compat/feel', category: 'error', message: 'Property <conditionExpression> is not a valid FEEL expression' },
      ]);
      expect(version.validation.problems).toContainEqual({ elementId: 'start', rule: 'bpmnlint/no-bpmndi', category: 'warn', message: 'Element is missing bpmndi' });

      // and when
      const { body: refused } = await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(422);

      // then
      expect(refused).toEqual({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'Expected journey version 1 to have no validation errors before deploying it, but found 2',
        problems: errors,
      });
      const { body: read } = await as('owner').get(`/api/journeys/${journey.id}`).expect(200);
      expect(read).toMatchObject({ liveVersion: null, latestVersion: 1 });
    });

    it('should validate a version again on request, and keep the result', async () => {
      // when
      const { body } = await analyst().post(`/api/journeys/${journey.id}/versions/1/validate`).expect(200);

      // then
      expect(body).toMatchObject({ valid: false, errorCount: 2, problems: expect.any(Array) });
      const { body: stored } = await as('owner').get(`/api/journeys/${journey.id}/versions/1`).expect(200);
      expect(stored.validation).toEqual(body);
    });

    it('should deploy the fixed version through the Zeebe client with the KPI listeners injected, and make it live', async () => {
      // given
      const fixedXml = journeyXml('onboarding');
      const version = await addVersion(journey.id, fixedXml);
      expect(version.validation).toMatchObject({ valid: true, errorCount: 0 });

      // when
      const { body: deployment } = await analyst().post(`/api/journeys/${journey.id}/versions/2/deploy`).expect(201);

      // then
      expect(deployment).toEqual({
        id: expect.any(String),
        journeyId: journey.id,
        version: 2,
        processDefinitionKey: expect.stringMatching(/^\d+$/),
        zeebeVersion: 1,
        kpiListeners: {
          enabled: true,
          jobType: 'travesia.kpi',
          elements: [
            { elementId: 'start', elementType: 'bpmn:StartEvent', eventTypes: ['end'] },
            { elementId: 'send', elementType: 'bpmn:ServiceTask', eventTypes: ['start', 'end'] },
            { elementId: 'split', elementType: 'bpmn:ExclusiveGateway', eventTypes: ['start'] },
            { elementId: 'offer', elementType: 'bpmn:ServiceTask', eventTypes: ['start', 'end'] },
            { elementId: 'converted', elementType: 'bpmn:EndEvent', eventTypes: ['start', 'end'] },
            { elementId: 'done', elementType: 'bpmn:EndEvent', eventTypes: ['start', 'end'] },
            { elementId: 'onboarding', elementType: 'bpmn:Process', eventTypes: ['end'] },
          ],
        },
        deployedBy: { keyId: expect.any(String), name: 'test analyst' },
        deployedAt: expect.any(String),
      });
      const { body: read } = await as('owner').get(`/api/journeys/${journey.id}/versions/2`).expect(200);
      expect(read.live).toBe(true);
      expect(read.bpmnXml).toBe(fixedXml);
      expect(read.deployedXml).toContain('<zeebe:executionListener eventType="start" type="travesia.kpi" />');
      expect(read.lastDeployment).toEqual(deployment);
      const { body: current } = await as('owner').get(`/api/journeys/${journey.id}`).expect(200);
      expect(current).toMatchObject({ liveVersion: 2, latestVersion: 2 });
      expect(await testApp.app.get(JourneyService).kpiListenerElements(deployment.processDefinitionKey)).toEqual(deployment.kpiListeners.elements);
    });

    it('should run the live version on the engine, with a KPI listener job as every element starts and ends, and as the process ends', async () => {
      // when
      const run = await runInstance('onboarding', { variables: { segment: 'hero' }, work: { 'touchpoint.email': { sent: true } } });

      // then
      expect(run.workElements).toEqual(['send', 'offer']);
      expect(run.kpiElements).toEqual(['start', 'send', 'send', 'split', 'offer', 'offer', 'converted', 'converted', 'onboarding']);
      expect(run.variables).toMatchObject({ segment: 'hero', sent: true });
    });

    it('should keep the history of versions with their authors, diffs and which one is live', async () => {
      // given: version 3 renames the offer, as another analyst
      const other = await request(http).post('/api/keys').set('x-api-key', keys.admin).send({ name: 'Second analyst', role: 'analyst' }).expect(201);
      await request(http)
        .post(`/api/journeys/${journey.id}/versions`)
        .set('x-api-key', other.body.secret)
        .send({ bpmnXml: journeyXml('onboarding', { offerName: 'Send VIP offer' }) })
        .expect(201);

      // when
      const { body: versions } = await as('owner').get(`/api/journeys/${journey.id}/versions`).expect(200);

      // then
      expect(versions.map((v: Body) => [v.version, v.author.name, v.live, v.validation.valid])).toEqual([
        [1, 'test analyst', false, false],
        [2, 'test analyst', true, true],
        [3, 'Second analyst', false, true],
      ]);
      expect(versions[0]).not.toHaveProperty('bpmnXml');
      expect(versions[0].validation).not.toHaveProperty('problems');
      expect(versions[1].diff).toEqual({
        previousVersion: 1,
        identical: false,
        unchanged: false,
        elements: { added: [], removed: [], changed: [{ id: 'send', type: 'bpmn:ServiceTask', changes: ['zeebe:TaskDefinition', 'zeebe:TaskHeaders'] }] },
        flows: { added: [], removed: [], changed: [{ id: 'toOffer', sourceRef: 'split', targetRef: 'offer', changes: ['conditionExpression'] }] },
      });
      expect(versions[2].diff.elements.changed).toEqual([{ id: 'offer', type: 'bpmn:ServiceTask', changes: ['name'] }]);
      expect(versions[1].lastDeployment).toMatchObject({ version: 2, zeebeVersion: 1 });
      expect(versions[2].lastDeployment).toBeNull();
    });

    it('should deploy an older version again as a new Zeebe version, and make it live', async () => {
      // given: version 3 deployed, so the engine's latest is version 3's diagram
      await analyst().post(`/api/journeys/${journey.id}/versions/3/deploy`).expect(201);

      // when
      const { body: again } = await analyst().post(`/api/journeys/${journey.id}/versions/2/deploy`).expect(201);

      // then
      expect(again).toMatchObject({ version: 2, zeebeVersion: 3 });
      const { body: deployments } = await as('owner').get(`/api/journeys/${journey.id}/deployments`).expect(200);
      expect(deployments.map((d: Body) => [d.version, d.zeebeVersion])).toEqual([
        [2, 1],
        [3, 2],
        [2, 3],
      ]);
      const { body: current } = await as('owner').get(`/api/journeys/${journey.id}`).expect(200);
      expect(current.liveVersion).toBe(2);
    });

    it('should refuse XML that is not BPMN, a diagram without the journey process, and oversized XML, per field', async () => {
      const notXml = await analyst().post(`/api/journeys/${journey.id}/versions`, { bpmnXml: 'hello' }).expect(400);
      expect(notXml.body.details).toEqual([{ field: 'bpmnXml', messages: [expect.stringContaining('bpmnXml must be a BPMN 2.0 XML document')] }]);

      const otherProcess = await analyst().post(`/api/journeys/${journey.id}/versions`, { bpmnXml: journeyXml('someone-else') }).expect(400);
      expect(otherProcess.body.details).toEqual([
        { field: 'bpmnXml', messages: ["bpmnXml must define the journey's process 'onboarding', but it defines 'someone-else'"] },
      ]);

      const missing = await analyst().post(`/api/journeys/${journey.id}/versions`, {}).expect(400);
      expect(missing.body.details).toEqual([{ field: 'bpmnXml', messages: expect.arrayContaining(['bpmnXml must be a string']) }]);

      const huge = journeyXml('onboarding').replace('<bpmn:startEvent', `<!-- ${'x'.repeat(BPMN_XML_MAX_LENGTH)} --><bpmn:startEvent`);
      const tooLong = await analyst().post(`/api/journeys/${journey.id}/versions`, { bpmnXml: huge }).expect(400);
      expect(tooLong.body.details).toEqual([{ field: 'bpmnXml', messages: [`bpmnXml must be at most ${BPMN_XML_MAX_LENGTH} characters long`] }]);

      const { body: tooLarge } = await analyst().post(`/api/journeys/${journey.id}/versions`, { bpmnXml: 'x'.repeat(3 * 1024 * 1024) }).expect(413);
      expect(tooLarge).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' });
    });

    it('should answer 404 for an unknown version and 400 for a bad version number', async () => {
      const { body } = await as('owner').get(`/api/journeys/${journey.id}/versions/99`).expect(404);
      expect(body.message).toBe(`Expected a version of journey ${journey.id} (1 to 3), found no version 99`);
      await analyst().post(`/api/journeys/${journey.id}/versions/99/deploy`).expect(404);
      await analyst().post(`/api/journeys/${journey.id}/versions/99/validate`).expect(404);
      const { body: bad } = await as('owner').get(`/api/journeys/${journey.id}/versions/zero`).expect(400);
      expect(bad.details).toEqual([{ field: 'version', messages: expect.arrayContaining(['version must be an integer number']) }]);
      await as('owner').get(`/api/journeys/${journey.id}/versions/0`).expect(400);
    });
  });

  describe('draft lint (the modeller\'s live validation)', () => {
    it('should validate a draft like a version, per element, and store nothing', async () => {
      // given
      const journey = await createJourney('drafty');

      // when
      const broken = (await analyst().post(`/api/journeys/${journey.id}/lint`, { bpmnXml: journeyXml('drafty', { broken: true }) }).expect(200)).body;
      const fixed = (await analyst().post(`/api/journeys/${journey.id}/lint`, { bpmnXml: journeyXml('drafty') }).expect(200)).body;

      // then
      expect(broken).toMatchObject({ valid: false, ruleset: expect.stringContaining('camunda') });
      expect(broken.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ elementId: 'send', category: 'error' }),
          expect.objectContaining({ elementId: 'toOffer', category: 'error' }),
        ]),
      );
      expect(broken.errorCount).toBe(broken.problems.filter((p: Body) => p.category === 'error').length);
      expect(fixed).toMatchObject({ valid: true, errorCount: 0 });
      expect(fixed.problems.filter((p: Body) => p.category === 'error')).toEqual([]);
      expect((await as('owner').get(`/api/journeys/${journey.id}/versions`).expect(200)).body).toEqual([]);
    });

    it("should answer 400 for a draft that is not a diagram of the journey's process, 404 for an unknown journey and 403 for an owner", async () => {
      const journey = await createJourney('drafty-refusals');
      const other = await analyst().post(`/api/journeys/${journey.id}/lint`, { bpmnXml: journeyXml('someone-else') }).expect(400);
      expect(other.body.details).toEqual([{ field: 'bpmnXml', messages: [expect.stringContaining("must define the journey's process 'drafty-refusals'")] }]);
      await analyst().post(`/api/journeys/${journey.id}/lint`, { bpmnXml: 'hello' }).expect(400);
      await analyst().post(`/api/journeys/${journey.id}/lint`, {}).expect(400);
      await analyst().post(`/api/journeys/${randomUUID()}/lint`, { bpmnXml: journeyXml('x') }).expect(404);
      await as('owner').post(`/api/journeys/${journey.id}/lint`, { bpmnXml: journeyXml('drafty-refusals') }).expect(403);
    });
  });

  describe('the modelling library (bpmn/)', () => {
    it('should hand out the touchpoint element templates and the sample journeys as shipped', async () => {
      // when
      const templates = (await analyst().get('/api/modeling/element-templates').expect(200)).body;
      const samples = (await as('owner').get('/api/modeling/samples').expect(200)).body;

      // then
      expect(templates.map((t: Body) => t.id).sort()).toEqual(['travesia.touchpoint.email', 'travesia.touchpoint.push', 'travesia.touchpoint.sms', 'travesia.touchpoint.webhook']);
      expect(templates.every((t: Body) => Array.isArray(t.properties) && t.appliesTo.includes('bpmn:ServiceTask'))).toBe(true);
      expect(samples.map((s: Body) => [s.file, s.processId])).toEqual([
        ['cart-recovery.bpmn', expect.any(String)],
        ['cross-sell.bpmn', expect.any(String)],
        ['welcome.bpmn', 'welcome'],
      ]);
      const welcome = samples.find((s: Body) => s.file === 'welcome.bpmn');
      expect(welcome).toMatchObject({ name: 'Welcome', description: expect.stringContaining('Welcome journey') });
      expect(welcome.bpmnXml).toBe(readFileSync(join(SAMPLES, 'welcome.bpmn'), 'utf8'));
      await as('client').get('/api/modeling/samples').expect(403);
    });
  });

  describe('what only the engine refuses', () => {
    it("should answer 422 with the engine's problems per element, and leave nothing live", async () => {
      // given: a start listener on a start event passes the linter, but Zeebe refuses it
      const journey = await createJourney('engine-refuses', { goal: { type: 'end_event', endEventId: 'nowhere' } });
      const xml = journeyXml('engine-refuses').replace(
        '<bpmn:startEvent id="start" name="Registered"/>',
        '<bpmn:startEvent id="start" name="Registered"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="start" type="too.early"/></zeebe:executionListeners></bpmn:extensionElements></bpmn:startEvent>',
      );
      const version = await addVersion(journey.id, xml);
      expect(version.validation.errorCount).toBe(0);
      expect(version.validation.problems).toContainEqual({
        elementId: 'engine-refuses',
        rule: 'travesia/goal',
        category: 'warn',
        message: "The journey's goal is end event 'nowhere', but the diagram has no element with that id: conversions cannot be counted",
      });

      // when
      const { body } = await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(422);

      // then
      expect(body).toEqual({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'Expected the engine to accept journey version 1, but it rejected it',
        problems: [{ elementId: 'start', rule: 'zeebe/deployment', category: 'error', message: "Execution listeners of type 'start' are not supported by start events" }],
      });
      expect((await as('owner').get(`/api/journeys/${journey.id}`).expect(200)).body.liveVersion).toBeNull();
      expect((await as('owner').get(`/api/journeys/${journey.id}/deployments`).expect(200)).body).toEqual([]);
    });
  });

  describe('KPI listener settings', () => {
    it("should use the journey's own job type, and deploy the diagram as drawn when injection is off", async () => {
      // given
      const journey = await createJourney('custom-kpi', { kpiListeners: { jobType: 'kpi.custom' } });
      const xml = journeyXml('custom-kpi');
      await addVersion(journey.id, xml);

      // when
      const { body: custom } = await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);
      const run = await runInstance('custom-kpi', { kpiJobType: 'kpi.custom', variables: { segment: 'lead' }, work: { 'touchpoint.email': {} } });

      // then
      expect(custom.kpiListeners).toMatchObject({ enabled: true, jobType: 'kpi.custom' });
      expect(run.kpiElements).toEqual(['start', 'send', 'send', 'split', 'done', 'done', 'custom-kpi']);

      // and when injection is turned off
      await analyst().patch(`/api/journeys/${journey.id}`, { kpiListeners: { enabled: false } }).expect(200);
      const { body: plain } = await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);
      const quiet = await runInstance('custom-kpi', { kpiJobType: 'kpi.custom', variables: { segment: 'lead' }, work: { 'touchpoint.email': {} } });

      // then
      expect(plain).toMatchObject({ zeebeVersion: 2, kpiListeners: { enabled: false, jobType: null, elements: [] } });
      expect((await as('owner').get(`/api/journeys/${journey.id}/versions/1`).expect(200)).body.deployedXml).toBe(xml);
      expect(quiet.kpiElements).toEqual([]);
      expect(quiet.workElements).toEqual(['send']);
    });

    it('should inject listeners the engine accepts into every kind of flow node', async () => {
      // given: events of every kind, boundary events, an event-based gateway, a call activity, multi-instance, an event subprocess
      const journey = await createJourney('kinds');
      const version = await addVersion(journey.id, readFileSync(join(__dirname, 'fixtures', 'journeys.every-element-kind.bpmn'), 'utf8'));
      expect(version.validation.errorCount).toBe(0);

      // when
      const { body } = await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);

      // then
      const eventTypes = Object.fromEntries(body.kpiListeners.elements.map((e: Body) => [e.elementId, e.eventTypes.join('+')]));
      expect(eventTypes).toEqual({
        start: 'end',
        task: 'start+end',
        timeout: 'end',
        failed: 'end',
        egw: 'start',
        msg: 'start+end',
        tmr: 'start+end',
        call: 'start+end',
        esc: 'start+end',
        sig: 'start+end',
        linkOut: 'start+end',
        linkIn: 'start+end',
        errEnd: 'start',
        escEnd: 'start',
        term: 'start+end',
        end: 'start+end',
        evsub: 'start+end',
        evStart: 'end',
        evEnd: 'start+end',
        kinds: 'end',
      });
    });

    it('should keep listeners the analyst modelled, around the KPI ones', async () => {
      // given
      const journey = await createJourney('own-listeners');
      const xml = journeyXml('own-listeners').replace(
        '<zeebe:taskDefinition type="touchpoint.email"/><zeebe:taskHeaders>',
        '<zeebe:taskDefinition type="touchpoint.email"/><zeebe:executionListeners><zeebe:executionListener eventType="start" type="prepare.offer"/></zeebe:executionListeners><zeebe:taskHeaders>',
      );
      await addVersion(journey.id, xml);
      await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);

      // when
      const run = await runInstance('own-listeners', { variables: { segment: 'lead' }, work: { 'prepare.offer': { prepared: true }, 'touchpoint.email': {} } });

      // then
      expect(run.workElements).toEqual(['send', 'send']);
      expect(run.kpiElements).toEqual(['start', 'send', 'send', 'split', 'done', 'done', 'own-listeners']);
      const { body } = await as('owner').get(`/api/journeys/${journey.id}/versions/1`).expect(200);
      expect(body.deployedXml).toMatch(/type="travesia.kpi" \/>\s*<zeebe:executionListener eventType="start" type="prepare.offer" \/>\s*<zeebe:executionListener eventType="end" type="travesia.kpi" \/>/);
    });
  });

  describe('sample journeys (bpmn/)', () => {
    const sample = (name: string) => readFileSync(join(SAMPLES, `${name}.bpmn`), 'utf8');

    it('should validate, deploy and run the welcome journey', async () => {
      // given
      const journey = await createJourney('welcome', { goal: { type: 'end_event', endEventId: 'welcomed' } });
      const version = await addVersion(journey.id, sample('welcome'));
      expect(version.validation).toMatchObject({ valid: true, errorCount: 0, warningCount: 0 });
      await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);

      // when
      const run = await runInstance('welcome', {
        variables: { consent: { sms: true }, phone: '+34600000000' },
        work: { 'touchpoint.email': {}, 'touchpoint.sms': {}, 'decision.segment': { segment: 'lead' } },
      });

      // then
      expect(run.workElements).toEqual(['send_welcome_email', 'compute_segment', 'send_incentive_sms']);
      expect(run.kpiElements.slice(-2)).toEqual(['welcomed', 'welcome']);
    });

    it('should validate, deploy and run the cross-sell journey, variant A through its subprocess', async () => {
      // given
      const journey = await createJourney('cross-sell', { goal: { type: 'end_event', endEventId: 'offer_delivered' } });
      const version = await addVersion(journey.id, sample('cross-sell'));
      expect(version.validation).toMatchObject({ valid: true, errorCount: 0, warningCount: 0 });
      await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);

      // when
      const run = await runInstance('cross-sell', {
        variables: { segment: 'hero' },
        work: {
          'decision.next-best-offer': { offer: { code: 'SOCKS' } },
          'decision.ab-variant': { variant: 'A' },
          'touchpoint.email': {},
          'touchpoint.push': {},
        },
      });

      // then
      expect(run.workElements).toEqual(['pick_offer', 'assign_variant', 'a_offer_email', 'a_push', 'send_upsell']);
      expect(run.kpiElements).toEqual(expect.arrayContaining(['variant_a', 'a_start', 'a_end', 'offer_delivered']));
    });

    it('should validate and deploy the cart-recovery journey, which waits for messages and timers', async () => {
      // given
      const journey = await createJourney('cart-recovery', { goal: { type: 'message', messageName: 'order.placed' } });

      // when
      const version = await addVersion(journey.id, sample('cart-recovery'));
      const deployed = await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`);

      // then
      expect(version.validation).toMatchObject({ valid: true, errorCount: 0 });
      expect(version).toMatchObject({ messageNames: ['order.placed'], startMessageNames: [], waitingMessageNames: ['order.placed'] });
      expect({ status: deployed.status, body: deployed.body }).toMatchObject({ status: 201, body: { version: 1 } });
    });

    it('should load the touchpoint element templates', () => {
      for (const channel of ['email', 'sms', 'push', 'webhook']) {
        const template = JSON.parse(readFileSync(join(SAMPLES, 'templates', `touchpoint-${channel}.json`), 'utf8'));
        expect(template).toMatchObject({ id: `travesia.touchpoint.${channel}`, elementType: { value: 'bpmn:ServiceTask' } });
        expect(template.properties).toContainEqual({ type: 'Hidden', value: `touchpoint.${channel}`, binding: { type: 'zeebe:taskDefinition', property: 'type' } });
      }
    });
  });

  describe('catchable message names', () => {
    it('should hold what deployed journeys wait for, and the start messages of live, active journeys only', async () => {
      // given: a journey started by a message, waiting for another
      const journey = await createJourney('signup-welcome');
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="x">
  <bpmn:process id="signup-welcome" isExecutable="true">
    <bpmn:startEvent id="signed_up" name="Signed up"><bpmn:messageEventDefinition messageRef="m_signup"/></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="clicked" name="Clicked"><bpmn:messageEventDefinition messageRef="m_click"/></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" name="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="signed_up" targetRef="clicked"/>
    <bpmn:sequenceFlow id="f2" sourceRef="clicked" targetRef="end"/>
  </bpmn:process>
  <bpmn:message id="m_signup" name="customer.signed-up"/>
  <bpmn:message id="m_click" name="email.clicked"><bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`;
      const version = await addVersion(journey.id, xml);
      expect(version.validation.problems.filter((p: Body) => p.category === 'error')).toEqual([]);
      const service = testApp.app.get(JourneyService);
      expect(await service.catchableMessageNames()).not.toContain('email.clicked');

      // when
      await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);

      // then
      const names = await service.catchableMessageNames();
      expect(names).toContain('customer.signed-up');
      expect(names).toContain('email.clicked');

      // and when archived, its start message no longer starts anything, but instances may still wait
      await analyst().post(`/api/journeys/${journey.id}/archive`).expect(200);
      const afterArchive = await service.catchableMessageNames();
      expect(afterArchive).not.toContain('customer.signed-up');
      expect(afterArchive).toContain('email.clicked');
    });
  });

  describe('archive', () => {
    it('should archive softly: readable, but no changes, versions or deploys', async () => {
      // given
      const journey = await createJourney('retired');
      await addVersion(journey.id, journeyXml('retired'));

      // when
      const { body: archived } = await analyst().post(`/api/journeys/${journey.id}/archive`).expect(200);

      // then
      expect(archived).toMatchObject({ archived: true, archivedAt: expect.any(String) });
      const deploy = await analyst().post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(409);
      expect(deploy.body.message).toContain('is archived since');
      expect(deploy.body.message).toContain('it cannot be deployed');
      await analyst().post(`/api/journeys/${journey.id}/versions`, { bpmnXml: journeyXml('retired') }).expect(409);
      await analyst().patch(`/api/journeys/${journey.id}`, { name: 'x' }).expect(409);
      await as('owner').get(`/api/journeys/${journey.id}/versions/1`).expect(200);
      const { body: again } = await analyst().post(`/api/journeys/${journey.id}/archive`).expect(200);
      expect(again.archivedAt).toBe(archived.archivedAt);
      const { body: active } = await as('owner').get('/api/journeys').expect(200);
      expect(active.map((j: Body) => j.processId)).not.toContain('retired');
      const { body: all } = await as('owner').get('/api/journeys?includeArchived=true').expect(200);
      expect(all.map((j: Body) => j.processId)).toContain('retired');
    });
  });

  describe('who may call what', () => {
    let journeyId: string;

    beforeAll(async () => {
      const journey = await createJourney('auth-matrix');
      journeyId = journey.id;
      await addVersion(journeyId, journeyXml('auth-matrix'));
    });

    it('should let analysts write journeys', async () => {
      await expectAuthMatrix(http, { method: 'post', path: '/api/journeys', body: {} }, ['analyst']);
      await expectAuthMatrix(http, { method: 'patch', path: `/api/journeys/${journeyId}`, body: { name: '' } }, ['analyst']);
      await expectAuthMatrix(http, { method: 'post', path: `/api/journeys/${randomUUID()}/archive` }, ['analyst']);
    });

    it('should let analysts add, validate and deploy versions', async () => {
      await expectAuthMatrix(http, { method: 'post', path: `/api/journeys/${journeyId}/versions`, body: {} }, ['analyst']);
      await expectAuthMatrix(http, { method: 'post', path: `/api/journeys/${journeyId}/versions/1/validate` }, ['analyst']);
      await expectAuthMatrix(http, { method: 'post', path: `/api/journeys/${journeyId}/versions/99/deploy` }, ['analyst']);
    });

    it('should let analysts and owners read', async () => {
      await expectAuthMatrix(http, { method: 'get', path: '/api/journeys' }, ['analyst', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/journeys/${journeyId}` }, ['analyst', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/journeys/${journeyId}/versions` }, ['analyst', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/journeys/${journeyId}/versions/1` }, ['analyst', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/journeys/${journeyId}/deployments` }, ['analyst', 'owner']);
    });
  });
});
