import { oneTaskProcess, processBuilder } from '../helpers/bpmn';
import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { activateOne, completeOne, deploy, grpcError, unique, type Job } from '../helpers/jobs';
import { rawGatewayClient, rejectionOf, type RawGatewayClient } from '../helpers/raw-gateway-client';
import { records, waitForInstanceEnd, waitForRecord } from '../helpers/records';

/** gRPC status codes. */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const FAILED_PRECONDITION = 9;
const UNIMPLEMENTED = 12;

/** A key of the right shape (partition 1) that no entity has. */
const UNKNOWN_KEY = '2251799813999999';

const DEPLOY_ERRORS = "Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy new resources, but encountered the following errors:\n";

/**
 * Every way a Zeebe client can be turned away, with the gRPC status and the message Zeebe
 * sends: broker rejections as "Command '<INTENT>' rejected with code '<TYPE>': Expected …",
 * gateway checks without that prefix. None of it may hurt the engine.
 */
describe('rejections (Zeebe gRPC)', () => {
  let h: EngineHarness;
  let raw: RawGatewayClient;

  beforeAll(async () => {
    h = await startEngineHarness();
    raw = rawGatewayClient(h.address);
  });
  afterAll(async () => {
    raw?.close();
    await h?.close();
  });

  /** Deploys start → task(type) → end and returns the process id. */
  async function deployOneTask(type = unique('work')): Promise<{ id: string; type: string }> {
    const id = unique('rejections');
    await deploy(h, oneTaskProcess(id, type), `${id}.bpmn`);
    return { id, type };
  }

  /** An instance waiting at its task, with the job activated. */
  async function activatedJob() {
    const { id, type } = await deployOneTask();
    const { processInstanceKey } = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
    const job = await activateOne(h, type);
    return { processInstanceKey, job };
  }

  /** Variables over the gateway's 4 MB limit once wrapped in a request message. */
  const huge = () => JSON.stringify({ blob: 'x'.repeat(4 * 1024 * 1024 + 10) });

  function expectTooLarge(error: { code: number; details: string }, rpc: string): void {
    expect(error.code).toBe(RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(new RegExp(`^Expected the ${rpc} request to be at most 4194304 bytes \\(4 MB\\), but it was 41943\\d\\d bytes; `));
    expect(error.details).toContain('keep large data outside the process and pass a reference to it in the variables');
  }

  describe('CreateProcessInstance', () => {
    it('should reject an unknown process id with NOT_FOUND', async () => {
      // when
      const error = await grpcError(() => h.zeebe.createProcessInstance({ bpmnProcessId: 'no-such-process', variables: {} }));
      // then
      expect(error.code).toBe(NOT_FOUND);
      expect(error.details).toBe(
        "Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID 'no-such-process', but none found",
      );
    });

    it('should reject an unknown version of a known process id with NOT_FOUND', async () => {
      // given
      const { id } = await deployOneTask();
      // when
      const error = await grpcError(() => h.zeebe.createProcessInstance({ bpmnProcessId: id, version: 7, variables: {} }));
      // then
      expect(error.code).toBe(NOT_FOUND);
      expect(error.details).toBe(
        `Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID '${id}' and version '7', but none found`,
      );
    });

    it('should reject an unknown process id with a version with NOT_FOUND', async () => {
      // when
      const error = await grpcError(() => h.zeebe.createProcessInstance({ bpmnProcessId: 'no-such-process', version: 2, variables: {} }));
      // then
      expect(error.code).toBe(NOT_FOUND);
      expect(error.details).toBe(
        "Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID 'no-such-process' and version '2', but none found",
      );
    });

    it('should reject an unknown process definition key with NOT_FOUND', async () => {
      // when
      const error = await rejectionOf(raw.call('CreateProcessInstance', { processDefinitionKey: UNKNOWN_KEY, version: -1, variables: '{}' }));
      // then
      expect(error.code).toBe(NOT_FOUND);
      expect(error.details).toBe(
        `Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with key '${UNKNOWN_KEY}', but none found`,
      );
    });

    it('should reject a request naming neither a process id nor a key with INVALID_ARGUMENT', async () => {
      // when
      const error = await rejectionOf(raw.call('CreateProcessInstance', { bpmnProcessId: '', version: -1, variables: '{}' }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe(
        "Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected at least a bpmnProcessId or a key greater than -1, but none given",
      );
    });

    it('should refuse to create an instance of a process without a none start event', async () => {
      // given a process that can only be started by a message (no other kind of process without
      // a none start event is valid BPMN for Zeebe, so this needs message start events deployable)
      const id = unique('message-start');
      const xml = processBuilder(id)
        .raw(`<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="signup"/></bpmn:startEvent>`)
        .end()
        .chain('start', 'end')
        .xml()
        .replace('</bpmn:definitions>', '<bpmn:message id="signup" name="signup"/>\n</bpmn:definitions>');
      await deploy(h, xml, `${id}.bpmn`);
      // when
      const error = await grpcError(() => h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} }));
      // then
      expect(error.code).toBe(FAILED_PRECONDITION);
      expect(error.details).toBe(
        "Command 'CREATE' rejected with code 'INVALID_STATE': Expected to create instance of process with none start event, but there is no such event",
      );
    });

    it.each([
      ['an array', '[1,2]', 'ARRAY'],
      ['a number', '42', 'INTEGER'],
      ['a string', '"hello"', 'STRING'],
    ])('should reject variables that are %s with INVALID_ARGUMENT', async (_, variables, type) => {
      // given
      const { id } = await deployOneTask();
      // when
      const error = await rejectionOf(raw.call('CreateProcessInstance', { bpmnProcessId: id, version: -1, variables }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe(`Property 'variables' is invalid: Expected document to be a root level object, but was '${type}'`);
    });

    it('should reject variables that are not valid JSON with INVALID_ARGUMENT', async () => {
      // given
      const { id } = await deployOneTask();
      // when
      const error = await rejectionOf(raw.call('CreateProcessInstance', { bpmnProcessId: id, version: -1, variables: '{"a": 1' }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details.startsWith('Invalid JSON value: {"a": 1')).toBe(true);
    });

    it('should accept "null" as no variables', async () => {
      // given
      const { id } = await deployOneTask();
      // when
      const created = await raw.call<{ processInstanceKey: string }>('CreateProcessInstance', { bpmnProcessId: id, version: -1, variables: 'null' });
      // then
      await waitForRecord(h.db, { processInstanceKey: created.processInstanceKey, bpmnElementType: 'SERVICE_TASK', intent: 'ELEMENT_ACTIVATED' });
      expect(await records(h.db, { processInstanceKey: created.processInstanceKey, valueType: 'VARIABLE' })).toEqual([]);
    });

    it('should refuse variables over 4 MB with RESOURCE_EXHAUSTED and keep serving', async () => {
      // given
      const { id, type } = await deployOneTask();
      // when
      const error = await rejectionOf(raw.call('CreateProcessInstance', { bpmnProcessId: id, version: -1, variables: huge() }));
      // then
      expectTooLarge(error, 'CreateProcessInstance');
      const { processInstanceKey } = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: { small: true } });
      await completeOne(h, type);
      await waitForInstanceEnd(h.db, processInstanceKey);
    });
  });

  describe('variables of job and instance commands', () => {
    it('should reject CompleteJob variables that are not an object with INVALID_ARGUMENT', async () => {
      // given
      const { job } = await activatedJob();
      // when
      const error = await rejectionOf(raw.call('CompleteJob', { jobKey: job.key, variables: '[{"a":1}]' }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe("Property 'variables' is invalid: Expected document to be a root level object, but was 'ARRAY'");
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
    });

    it('should reject SetVariables variables that are not an object with INVALID_ARGUMENT', async () => {
      // given
      const { processInstanceKey } = await activatedJob();
      // when
      const error = await rejectionOf(raw.call('SetVariables', { elementInstanceKey: processInstanceKey, variables: '12', local: false }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe("Property 'variables' is invalid: Expected document to be a root level object, but was 'INTEGER'");
    });

    it('should reject FailJob variables that are not an object with INVALID_ARGUMENT', async () => {
      // given
      const { job } = await activatedJob();
      // when
      const error = await rejectionOf(
        raw.call('FailJob', { jobKey: job.key, retries: 2, errorMessage: 'boom', retryBackOff: '0', variables: '"oops"' }),
      );
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe("Property 'variables' is invalid: Expected document to be a root level object, but was 'STRING'");
    });

    /** Each command called with `variables` on fresh entities; `afterwards` shows the engine still takes it (for ThrowError: the job stayed activated). */
    let job: Job;
    let processId: string;
    const commands: Record<string, { call(variables: string): Promise<unknown>; afterwards(): Promise<unknown> }> = {
      ThrowError: {
        call: async (variables) => {
          job = (await activatedJob()).job;
          return raw.call('ThrowError', { jobKey: job.key, errorCode: 'E1', errorMessage: 'x', variables });
        },
        // the rejected ThrowError left the job activated
        afterwards: () => h.zeebe.completeJob({ jobKey: job.key, variables: {} }),
      },
      PublishMessage: {
        call: (variables) => raw.call('PublishMessage', { name: unique('msg'), correlationKey: 'k-1', timeToLive: '0', messageId: '', variables }),
        afterwards: () => h.zeebe.publishMessage({ name: unique('msg'), correlationKey: 'k-1', timeToLive: 0, variables: { fine: true } }),
      },
      CreateProcessInstanceWithResult: {
        call: async (variables) => {
          processId = (await deployOneTask()).id;
          return raw.call('CreateProcessInstanceWithResult', { request: { bpmnProcessId: processId, version: -1, variables }, requestTimeout: '2000' });
        },
        afterwards: async () => {
          expect((await records(h.db, { valueType: 'PROCESS_INSTANCE_CREATION' })).filter((r) => r.value.bpmnProcessId === processId)).toEqual([]);
          return h.zeebe.createProcessInstance({ bpmnProcessId: processId, variables: { fine: true } });
        },
      },
    };

    it.each([
      ['ThrowError', '[1,2]', "Property 'variables' is invalid: Expected document to be a root level object, but was 'ARRAY'"],
      ['ThrowError', '7', "Property 'variables' is invalid: Expected document to be a root level object, but was 'INTEGER'"],
      ['ThrowError', '{"a":', 'Invalid JSON value: {"a":'],
      ['PublishMessage', '["a"]', "Property 'variables' is invalid: Expected document to be a root level object, but was 'ARRAY'"],
      ['PublishMessage', '3.5', "Property 'variables' is invalid: Expected document to be a root level object, but was 'FLOAT'"],
      ['PublishMessage', 'not json', 'Invalid JSON value: not json'],
      ['CreateProcessInstanceWithResult', '[]', "Property 'variables' is invalid: Expected document to be a root level object, but was 'ARRAY'"],
      ['CreateProcessInstanceWithResult', '12', "Property 'variables' is invalid: Expected document to be a root level object, but was 'INTEGER'"],
      ['CreateProcessInstanceWithResult', "{'a': 1}", "Invalid JSON value: {'a': 1}"],
    ])('should reject %s variables %s with INVALID_ARGUMENT and accept the command right afterwards', async (command, variables, message) => {
      // when
      const error = await rejectionOf(commands[command].call(variables));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details.startsWith(message)).toBe(true);
      await commands[command].afterwards();
    });
  });

  describe('huge requests', () => {
    it('should refuse CompleteJob variables over 4 MB with RESOURCE_EXHAUSTED and keep the job completable', async () => {
      // given
      const { processInstanceKey, job } = await activatedJob();
      // when
      const error = await rejectionOf(raw.call('CompleteJob', { jobKey: job.key, variables: huge() }));
      // then
      expectTooLarge(error, 'CompleteJob');
      await h.zeebe.completeJob({ jobKey: job.key, variables: { small: true } });
      expect((await waitForInstanceEnd(h.db, processInstanceKey)).intent).toBe('ELEMENT_COMPLETED');
      expect(await records(h.db, { processInstanceKey, valueType: 'VARIABLE' })).toHaveLength(1);
    });

    it('should refuse SetVariables over 4 MB with RESOURCE_EXHAUSTED and set nothing', async () => {
      // given
      const { processInstanceKey } = await activatedJob();
      // when
      const error = await rejectionOf(raw.call('SetVariables', { elementInstanceKey: processInstanceKey, variables: huge(), local: false }));
      // then
      expectTooLarge(error, 'SetVariables');
      expect(await records(h.db, { processInstanceKey, valueType: 'VARIABLE_DOCUMENT' })).toEqual([]);
      await h.zeebe.setVariables({ elementInstanceKey: processInstanceKey, variables: { small: true }, local: false });
      await waitForRecord(h.db, { processInstanceKey, valueType: 'VARIABLE', intent: 'CREATED' });
    });

    it('should refuse PublishMessage variables over 4 MB with RESOURCE_EXHAUSTED and keep publishing', async () => {
      // given
      const name = unique('huge-message');
      // when
      const error = await rejectionOf(raw.call('PublishMessage', { name, correlationKey: 'k', timeToLive: '60000', messageId: '', variables: huge() }));
      // then
      expectTooLarge(error, 'PublishMessage');
      expect((await records(h.db, { valueType: 'MESSAGE' })).filter((r) => r.value.name === name)).toEqual([]);
      const published = await h.zeebe.publishMessage({ name, correlationKey: 'k', timeToLive: 60_000, variables: { small: true } });
      expect(published.key).toMatch(/^\d+$/);
    });

    it('should cut off a request of more than four times the limit at the transport with RESOURCE_EXHAUSTED and keep serving', async () => {
      // given
      const { processInstanceKey, job } = await activatedJob();
      const enormous = JSON.stringify({ blob: 'x'.repeat(16 * 1024 * 1024 + 10) });
      // when
      const error = await rejectionOf(raw.call('CompleteJob', { jobKey: job.key, variables: enormous }));
      // then
      expect(error.code).toBe(RESOURCE_EXHAUSTED);
      expect(error.details).toMatch(/^Received message larger than max \(\d+ vs 16777216\)$/);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      expect((await waitForInstanceEnd(h.db, processInstanceKey)).intent).toBe('ELEMENT_COMPLETED');
    });
  });

  describe('unknown keys', () => {
    it.each<[string, (h: EngineHarness) => Promise<unknown>, string]>([
      [
        'CompleteJob',
        (h) => h.zeebe.completeJob({ jobKey: UNKNOWN_KEY, variables: {} }),
        `Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to complete job with key '${UNKNOWN_KEY}', but no such job was found`,
      ],
      [
        'FailJob',
        (h) => h.zeebe.failJob({ jobKey: UNKNOWN_KEY, retries: 1, errorMessage: 'x', retryBackOff: 0 }),
        `Command 'FAIL' rejected with code 'NOT_FOUND': Expected to fail job with key '${UNKNOWN_KEY}', but no such job was found`,
      ],
      [
        'ThrowError',
        (h) => h.zeebe.throwError({ jobKey: UNKNOWN_KEY, errorCode: 'E1', errorMessage: 'x' }),
        `Command 'THROW_ERROR' rejected with code 'NOT_FOUND': Expected to throw an error for job with key '${UNKNOWN_KEY}', but no such job was found`,
      ],
      [
        'UpdateJobRetries',
        (h) => h.zeebe.updateJobRetries({ jobKey: UNKNOWN_KEY, retries: 3 }),
        `Command 'UPDATE_RETRIES' rejected with code 'NOT_FOUND': Expected to update job with key '${UNKNOWN_KEY}', but no such job was found`,
      ],
      [
        'UpdateJobTimeout',
        (h) => h.zeebe.updateJobTimeout({ jobKey: UNKNOWN_KEY, timeout: 1000 }),
        `Command 'UPDATE_TIMEOUT' rejected with code 'NOT_FOUND': Expected to update job with key '${UNKNOWN_KEY}', but no such job was found`,
      ],
      [
        'ResolveIncident',
        (h) => h.zeebe.resolveIncident({ incidentKey: UNKNOWN_KEY }),
        `Command 'RESOLVE' rejected with code 'NOT_FOUND': Expected to resolve incident with key '${UNKNOWN_KEY}', but no such incident was found`,
      ],
      [
        'CancelProcessInstance',
        (h) => h.zeebe.cancelProcessInstance(UNKNOWN_KEY),
        `Command 'CANCEL' rejected with code 'NOT_FOUND': Expected to cancel a process instance with key '${UNKNOWN_KEY}', but no such process was found`,
      ],
      [
        'SetVariables',
        (h) => h.zeebe.setVariables({ elementInstanceKey: UNKNOWN_KEY, variables: { a: 1 }, local: false }),
        `Command 'UPDATE' rejected with code 'NOT_FOUND': Expected to update variables for element with key '${UNKNOWN_KEY}', but no such element was found`,
      ],
    ])('should reject %s with an unknown key with NOT_FOUND', async (_, command, message) => {
      // when
      const error = await grpcError(() => command(h));
      // then
      expect(error.code).toBe(NOT_FOUND);
      // The client appends a hint to NOT_FOUND details of CompleteJob.
      expect(error.details.startsWith(message)).toBe(true);
    });

    it('should reject UpdateJobRetries with 0 retries with INVALID_ARGUMENT', async () => {
      // given
      const { job } = await activatedJob();
      // when
      const error = await grpcError(() => h.zeebe.updateJobRetries({ jobKey: job.key, retries: 0 }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe(
        `Command 'UPDATE_RETRIES' rejected with code 'INVALID_ARGUMENT': Expected to update retries for job with key '${job.key}' with a positive amount of retries, but the amount given was '0'`,
      );
    });

    it('should reject UpdateJobRetries with negative retries with INVALID_ARGUMENT and keep the retries', async () => {
      // given
      const { processInstanceKey, job } = await activatedJob();
      // when
      const error = await grpcError(() => h.zeebe.updateJobRetries({ jobKey: job.key, retries: -2 }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe(
        `Command 'UPDATE_RETRIES' rejected with code 'INVALID_ARGUMENT': Expected to update retries for job with key '${job.key}' with a positive amount of retries, but the amount given was '-2'`,
      );
      expect(await records(h.db, { processInstanceKey, valueType: 'JOB', intent: 'RETRIES_UPDATED' })).toEqual([]);
    });
  });

  describe('ActivateJobs and StreamActivatedJobs', () => {
    it('should list every problem of an ActivateJobs request in one INVALID_ARGUMENT', async () => {
      // when
      const { messages, error } = await raw.collect('ActivateJobs', {
        type: '  ',
        worker: '',
        timeout: '0',
        maxJobsToActivate: 0,
        requestTimeout: '-1',
      }, 2000);
      // then
      expect(messages).toEqual([]);
      expect(error?.code).toBe(INVALID_ARGUMENT);
      const details = error!.details;
      expect(details.startsWith("Command 'ACTIVATE' rejected with code 'INVALID_ARGUMENT': ")).toBe(true);
      expect(details).toContain("Expected to activate job batch with max jobs to activate to be greater than zero, but it was '0'");
      expect(details).toContain("Expected to activate job batch with timeout to be greater than zero, but it was '0'");
      expect(details).toContain('Expected to activate job batch with type to be present, but it was blank');
      expect(details).toContain('Expected to activate job batch with worker to be present, but it was blank');
    });

    it('should reject StreamActivatedJobs with a blank type with INVALID_ARGUMENT', async () => {
      // when
      const { messages, error } = await raw.collect('StreamActivatedJobs', { type: '', worker: 'w', timeout: '10000' }, 2000);
      // then
      expect(messages).toEqual([]);
      expect(error?.code).toBe(INVALID_ARGUMENT);
      expect(error?.details).toBe('Expected to stream activated jobs with type to be present, but it was blank');
    });

    it('should reject StreamActivatedJobs with a blank worker with INVALID_ARGUMENT', async () => {
      // when
      const { messages, error } = await raw.collect('StreamActivatedJobs', { type: unique('stream'), worker: '  ', timeout: '10000' }, 2000);
      // then
      expect(messages).toEqual([]);
      expect(error?.code).toBe(INVALID_ARGUMENT);
      expect(error?.details).toBe('Expected to stream activated jobs with worker to be present, but it was blank');
    });

    it.each([
      ['0', 0],
      ['-5000', -5000],
    ])('should reject StreamActivatedJobs with timeout %s with INVALID_ARGUMENT and push no job', async (timeout, shown) => {
      // given a job the stream would get
      const { id, type } = await deployOneTask();
      await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      // when
      const { messages, error } = await raw.collect('StreamActivatedJobs', { type, worker: 'w', timeout }, 2000);
      // then
      expect(messages).toEqual([]);
      expect(error?.code).toBe(INVALID_ARGUMENT);
      expect(error?.details).toBe(`Expected to stream activated jobs with timeout to be greater than zero, but it was ${shown}`);
      expect((await activateOne(h, type)).type).toBe(type);
    });
  });

  describe('DeployResource', () => {
    async function deployError(resources: { name: string; content: string }[]) {
      return rejectionOf(raw.call('DeployResource', { resources: resources.map((r) => ({ name: r.name, content: Buffer.from(r.content) })) }));
    }

    it('should reject malformed XML with INVALID_ARGUMENT', async () => {
      // when
      const error = await deployError([
        { name: 'broken.bpmn', content: '<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">' },
      ]);
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details.startsWith(`${DEPLOY_ERRORS}'broken.bpmn':`)).toBe(true);
    });

    it('should reject unknown BPMN elements with INVALID_ARGUMENT', async () => {
      // given
      const id = unique('unknown-elements');
      const xml = processBuilder(id).start().raw('<bpmn:serviceTaskk id="typo"/>').end().chain('start', 'end').xml();
      // when
      const error = await deployError([{ name: 'unknown.bpmn', content: xml }]);
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details.startsWith(`${DEPLOY_ERRORS}'unknown.bpmn':`)).toBe(true);
      expect(error.details).toContain('serviceTaskk');
    });

    it('should reject an expression that does not parse with INVALID_ARGUMENT', async () => {
      // given
      const id = unique('bad-feel');
      // when
      const error = await deployError([{ name: 'bad-feel.bpmn', content: oneTaskProcess(id, '= a +') }]);
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details.startsWith(`${DEPLOY_ERRORS}'bad-feel.bpmn':`)).toBe(true);
      expect(error.details).toContain('- Element: task');
      expect(error.details).toContain('failed to parse expression');
    });

    it('should reject a service task without a job type with INVALID_ARGUMENT', async () => {
      // given
      const id = unique('no-type');
      const xml = processBuilder(id).start().serviceTask('task').end().chain('start', 'task', 'end').xml();
      // when
      const error = await deployError([{ name: 'no-type.bpmn', content: xml }]);
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toContain("- Element: task\n    - ERROR: Must have exactly one 'zeebe:taskDefinition' extension element");
    });

    it('should list every problem of every element and resource in one INVALID_ARGUMENT and deploy nothing', async () => {
      // given two broken resources and a good one
      const first = unique('many-problems');
      const firstXml = processBuilder(first)
        .start()
        .serviceTask('charge')
        .serviceTask('notify', { type: '= a +' })
        .end()
        .chain('start', 'charge', 'notify', 'end')
        .xml();
      const second = unique('more-problems');
      const secondXml = processBuilder(second).start().serviceTask('ship').end().chain('start', 'ship', 'end').xml();
      const good = unique('good');
      // when
      const error = await deployError([
        { name: 'first.bpmn', content: firstXml },
        { name: 'good.bpmn', content: oneTaskProcess(good, 'fine') },
        { name: 'second.bpmn', content: secondXml },
      ]);
      // then every problem is listed in one rejection …
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details.startsWith(DEPLOY_ERRORS)).toBe(true);
      expect(error.details).toContain("- Element: charge\n    - ERROR: Must have exactly one 'zeebe:taskDefinition' extension element");
      expect(error.details).toMatch(/- Element: notify[^\n]*\n {4}- ERROR: failed to parse expression/);
      expect(error.details).toContain("- Element: ship\n    - ERROR: Must have exactly one 'zeebe:taskDefinition' extension element");
      expect(error.details).not.toContain('good.bpmn');
      // … and the deployment was all or nothing
      const missing = await grpcError(() => h.zeebe.createProcessInstance({ bpmnProcessId: good, variables: {} }));
      expect(missing.code).toBe(NOT_FOUND);
      // … in Zeebe's layout: each resource's problems start on the resource's line
      expect(error.details.startsWith(`${DEPLOY_ERRORS}'first.bpmn': - Element: charge\n    - ERROR: `)).toBe(true);
      expect(error.details).toContain("\n'second.bpmn': - Element: ship\n    - ERROR: ");
    });

    it('should reject a deployment without resources with INVALID_ARGUMENT', async () => {
      // when
      const error = await rejectionOf(raw.call('DeployResource', { resources: [] }));
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details).toBe("Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy at least one resource, but none given");
    });

    it('should reject a resource that is not BPMN with INVALID_ARGUMENT', async () => {
      // when
      const error = await deployError([{ name: 'notes.txt', content: 'remember the milk' }]);
      // then
      expect(error.code).toBe(INVALID_ARGUMENT);
      expect(error.details.startsWith(DEPLOY_ERRORS)).toBe(true);
      expect(error.details).toContain("'notes.txt':");
    });
  });

  describe('RPCs the engine does not offer', () => {
    it('should answer EvaluateDecision with UNIMPLEMENTED', async () => {
      // when
      const error = await grpcError(() => h.zeebe.evaluateDecision({ decisionId: 'discount', variables: {} }));
      // then
      expect(error.code).toBe(UNIMPLEMENTED);
      expect(error.details).toContain('EVALUATE_DECISION');
    });

    it('should answer DeleteResource with UNIMPLEMENTED', async () => {
      // when
      const error = await grpcError(() => h.zeebe.deleteResource({ resourceKey: UNKNOWN_KEY }));
      // then
      expect(error.code).toBe(UNIMPLEMENTED);
      expect(error.details).toContain('DELETE_RESOURCE');
    });
  });

  it('should still run a process instance to its end after all this bad input', async () => {
    // given
    const { id, type } = await deployOneTask();
    // when
    const { processInstanceKey } = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: { ok: true } });
    const job = await completeOne(h, type, { done: true });
    // then
    expect(job.variables).toEqual({ ok: true });
    const end = await waitForInstanceEnd(h.db, processInstanceKey);
    expect(end.intent).toBe('ELEMENT_COMPLETED');
    expect((await h.zeebe.topology()).brokers[0].partitions[0].health).toBe('HEALTHY');
  });
});
