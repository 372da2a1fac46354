import { type EngineRecordRow, historyFromRecords, jobsFromRecords } from './engine-record-history';

const PIK = '100';
let position = 0;
const at = (second: number) => new Date(Date.UTC(2025, 2, 1, 9, 0, second));

function record(second: number, valueType: string, intent: string, key: string, value: Record<string, unknown>, elementId: string | null = null, type: string | null = null): EngineRecordRow {
  return { position: String(++position), key, timestamp: at(second), valueType, intent, elementId, bpmnElementType: type, value };
}

const element = (second: number, intent: string, key: string, elementId: string, type: string, flowScopeKey: string) =>
  record(second, 'PROCESS_INSTANCE', intent, key, { bpmnProcessId: 'welcome', version: 2, processDefinitionKey: '7', elementId, flowScopeKey: Number(flowScopeKey) }, elementId, type);
const variable = (second: number, intent: string, key: string, scopeKey: string, name: string, value: unknown) =>
  record(second, 'VARIABLE', intent, key, { name, value: JSON.stringify(value), scopeKey: Number(scopeKey), bpmnProcessId: 'welcome' });
const job = (second: number, intent: string, extra: Record<string, unknown> = {}) =>
  record(second, 'JOB', intent, '300', { type: 'touchpoint.email', jobKind: 'BPMN_ELEMENT', elementId: 'send', elementInstanceKey: '102', retries: 3, worker: '', customHeaders: { template: 'welcome' }, ...extra }, 'send');

describe('historyFromRecords', () => {
  it('should fold the records of an instance into steps with their variables, jobs, messages and incidents', () => {
    // given
    const records = [
      variable(0, 'CREATED', '90', PIK, 'customerId', 'c-1'),
      element(0, 'ELEMENT_ACTIVATING', PIK, 'welcome', 'PROCESS', '-1'),
      element(0, 'ELEMENT_ACTIVATED', PIK, 'welcome', 'PROCESS', '-1'),
      element(1, 'ELEMENT_ACTIVATING', '101', 'start', 'START_EVENT', PIK),
      element(1, 'ELEMENT_ACTIVATED', '101', 'start', 'START_EVENT', PIK),
      element(1, 'ELEMENT_COMPLETED', '101', 'start', 'START_EVENT', PIK),
      record(1, 'PROCESS_INSTANCE', 'SEQUENCE_FLOW_TAKEN', '199', { elementId: 'toSend', flowScopeKey: Number(PIK) }, 'toSend', 'SEQUENCE_FLOW'),
      element(2, 'ELEMENT_ACTIVATING', '102', 'send', 'SERVICE_TASK', PIK),
      variable(2, 'CREATED', '91', '102', 'subject', 'Hi'),
      element(2, 'ELEMENT_ACTIVATED', '102', 'send', 'SERVICE_TASK', PIK),
      job(2, 'CREATED'),
      job(3, 'FAILED', { worker: 'w1', retries: 0, errorMessage: 'SMTP down' }),
      record(3, 'INCIDENT', 'CREATED', '400', { errorType: 'JOB_NO_RETRIES', errorMessage: 'SMTP down', elementId: 'send', elementInstanceKey: 102, jobKey: 300 }, 'send'),
      job(4, 'RETRIES_UPDATED', { retries: 1 }),
      record(4, 'INCIDENT', 'RESOLVED', '400', { errorType: 'JOB_NO_RETRIES' }, 'send'),
      job(5, 'COMPLETED', { worker: 'w2', retries: 1 }),
      variable(5, 'UPDATED', '90', PIK, 'customerId', 'c-2'),
      element(5, 'ELEMENT_COMPLETED', '102', 'send', 'SERVICE_TASK', PIK),
      element(6, 'ELEMENT_ACTIVATING', '103', 'wait', 'INTERMEDIATE_CATCH_EVENT', PIK),
      element(6, 'ELEMENT_ACTIVATED', '103', 'wait', 'INTERMEDIATE_CATCH_EVENT', PIK),
      record(7, 'PROCESS_MESSAGE_SUBSCRIPTION', 'CORRELATED', '500', { messageName: 'order.placed', correlationKey: 'c-2', elementId: 'wait', elementInstanceKey: 103, variables: { total: 9 } }, 'wait'),
      element(8, 'ELEMENT_TERMINATED', '103', 'wait', 'INTERMEDIATE_CATCH_EVENT', PIK),
      element(8, 'ELEMENT_TERMINATED', PIK, 'welcome', 'PROCESS', '-1'),
    ];

    // when
    const history = historyFromRecords(PIK, records, false)!;

    // then
    expect(history).toMatchObject({
      source: 'engine-records',
      bpmnProcessId: 'welcome',
      processDefinitionKey: '7',
      processDefinitionVersion: 2,
      state: 'terminated',
      startedAt: at(0),
      endedAt: at(8),
      truncated: false,
    });
    expect(history.steps.map((step) => [step.elementId, step.elementType, step.state, step.enteredAt.getUTCSeconds(), step.leftAt?.getUTCSeconds()])).toEqual([
      ['start', 'START_EVENT', 'completed', 1, 1],
      ['send', 'SERVICE_TASK', 'completed', 2, 5],
      ['wait', 'INTERMEDIATE_CATCH_EVENT', 'terminated', 6, 8],
    ]);
    expect(history.steps[1]).toMatchObject({
      flowScopeKey: PIK,
      variablesOnEntry: { customerId: 'c-1', subject: 'Hi' },
      variablesOnExit: { customerId: 'c-2', subject: 'Hi' },
    });
    expect(history.variableChanges.map((change) => [change.name, change.value, change.scopeElementId])).toEqual([
      ['customerId', 'c-1', 'welcome'],
      ['subject', 'Hi', 'send'],
      ['customerId', 'c-2', 'welcome'],
    ]);
    expect(history.flowsTaken).toEqual([{ at: at(1), flowId: 'toSend', flowScopeKey: PIK }]);
    expect(history.jobs).toEqual([
      {
        jobKey: '300',
        processInstanceKey: PIK,
        type: 'touchpoint.email',
        kind: 'BPMN_ELEMENT',
        elementId: 'send',
        elementInstanceKey: '102',
        worker: 'w2',
        retries: 1,
        state: 'completed',
        customHeaders: { template: 'welcome' },
        createdAt: at(2),
        endedAt: at(5),
        errors: [{ at: at(3), code: null, message: 'SMTP down', retriesLeft: 0 }],
      },
    ]);
    expect(history.messages).toEqual([{ at: at(7), messageName: 'order.placed', correlationKey: 'c-2', elementId: 'wait', elementInstanceKey: '103', variables: { total: 9 } }]);
    expect(history.incidents).toEqual([
      { incidentKey: '400', errorType: 'JOB_NO_RETRIES', errorMessage: 'SMTP down', elementId: 'send', elementInstanceKey: '102', jobKey: '300', createdAt: at(3), resolvedAt: at(4) },
    ]);
  });

  it('should know nothing of an instance whose activation it has not seen', () => {
    expect(historyFromRecords(PIK, [variable(0, 'CREATED', '90', PIK, 'x', 1)], false)).toBeNull();
  });
});

describe('jobsFromRecords', () => {
  it('should tell pending, failed, thrown and cancelled jobs apart', () => {
    const of = (key: string, ...intents: [string, Record<string, unknown>?][]) =>
      intents.map(([intent, extra]) => ({ ...record(0, 'JOB', intent, key, { type: 'touchpoint.sms', retries: 3, ...extra }), processInstanceKey: PIK }));
    const jobs = jobsFromRecords([
      ...of('1', ['CREATED']),
      ...of('2', ['CREATED'], ['FAILED', { retries: 2, errorMessage: 'busy' }]),
      ...of('3', ['CREATED'], ['FAILED', { retries: 0, errorMessage: 'down' }]),
      ...of('4', ['CREATED'], ['ERROR_THROWN', { errorCode: 'NO_PHONE', errorMessage: 'no phone' }]),
      ...of('5', ['CREATED'], ['CANCELED']),
      ...of('6', ['CREATED'], ['TIMED_OUT']),
    ]);
    expect(jobs.map((job) => [job.jobKey, job.state, job.errors.map((error) => error.code ?? error.message)])).toEqual([
      ['1', 'pending', []],
      ['2', 'pending', ['busy']],
      ['3', 'failed', ['down']],
      ['4', 'error_thrown', ['NO_PHONE']],
      ['5', 'canceled', []],
      ['6', 'pending', []],
    ]);
  });
});
