import { element, parseFixture } from './__fixtures__/parse-fixture';

describe('parseBpmn: tasks', () => {
  it('should read job workers with their task definition, headers, mappings and listeners', async () => {
    // given
    const { processes, problems } = await parseFixture('Tasks.job-workers.bpmn');

    // when
    const [process] = processes;
    const service = element(process, 'service');

    // then
    expect(problems).toEqual([]);
    expect(service).toEqual({
      id: 'service',
      name: 'Send welcome email',
      type: 'SERVICE_TASK',
      eventType: 'UNSPECIFIED',
      flowScopeId: 'tasks',
      incoming: [{ id: 'f1', sourceId: 'start', targetId: 'service' }],
      outgoing: [{ id: 'f2', sourceId: 'service', targetId: 'send' }],
      boundaryEventIds: [],
      jobDefinition: {
        type: { kind: 'static', value: 'touchpoint.email' },
        retries: { kind: 'expression', source: 'retryBudget' },
      },
      taskHeaders: { template: 'welcome', channel: 'email' },
      inputMappings: [
        { source: 'customer.email', target: 'to' },
        { source: '"Hello \\"friend\\""', target: 'greeting' },
        { target: 'cleared' },
      ],
      outputMappings: [{ source: 'result.messageId', target: 'delivery.messageId' }],
      executionListeners: [
        { eventType: 'start', type: { kind: 'static', value: 'kpi.start' }, retries: { kind: 'static', value: '3' } },
        {
          eventType: 'end',
          type: { kind: 'expression', source: '"kpi." + phase' },
          retries: { kind: 'static', value: '5' },
        },
        { eventType: 'start', type: { kind: 'static', value: 'audit' }, retries: { kind: 'static', value: '3' } },
      ],
    });
  });

  it('should default retries to 3 and accept FEEL job types', async () => {
    // given
    const { processes } = await parseFixture('Tasks.job-workers.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'send').jobDefinition).toEqual({
      type: { kind: 'expression', source: '"touchpoint." + channel' },
      retries: { kind: 'static', value: '3' },
    });
    expect(element(process, 'script')).toMatchObject({
      type: 'SCRIPT_TASK',
      jobDefinition: { type: { kind: 'static', value: 'score' }, retries: { kind: 'static', value: '1' } },
    });
    expect(element(process, 'rule')).toMatchObject({
      type: 'BUSINESS_RULE_TASK',
      jobDefinition: { type: { kind: 'static', value: 'decide.segment' } },
    });
  });

  it('should run user tasks as job worker user tasks with their headers', async () => {
    // given
    const { processes } = await parseFixture('Tasks.job-workers.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'review')).toMatchObject({
      type: 'USER_TASK',
      jobDefinition: {
        type: { kind: 'static', value: 'io.camunda.zeebe:userTask' },
        retries: { kind: 'static', value: '1' },
      },
      taskHeaders: {
        priority: 'high',
        'io.camunda.zeebe:assignee': 'ana',
        'io.camunda.zeebe:candidateGroups': '["sales","support"]',
        'io.camunda.zeebe:candidateUsers': '["ana","bob"]',
        'io.camunda.zeebe:dueDate': '2030-01-01T10:00:00Z',
        'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:review-form',
      },
    });
    expect(element(process, 'camundaUserTask').jobDefinition).toEqual({
      type: { kind: 'static', value: 'io.camunda.zeebe:userTask' },
      retries: { kind: 'static', value: '1' },
    });
  });

  it('should read manual tasks, plain tasks and receive tasks', async () => {
    // given
    const { processes } = await parseFixture('Tasks.job-workers.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'manual')).toMatchObject({ type: 'MANUAL_TASK', eventType: 'UNSPECIFIED' });
    expect(element(process, 'plain')).toMatchObject({ type: 'TASK', eventType: 'UNSPECIFIED' });
    expect(element(process, 'plain').jobDefinition).toBeUndefined();
    expect(element(process, 'receive')).toMatchObject({
      type: 'RECEIVE_TASK',
      eventType: 'MESSAGE',
      message: {
        name: { kind: 'static', value: 'order.paid' },
        correlationKey: { kind: 'expression', source: 'orderId' },
      },
    });
  });

  it('should read call activities with their propagation defaults', async () => {
    // given
    const { processes } = await parseFixture('Tasks.job-workers.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'call').calledElement).toEqual({
      processId: { kind: 'static', value: 'onboarding' },
      propagateAllChildVariables: false,
      propagateAllParentVariables: true,
    });
    expect(element(process, 'callDynamic').calledElement).toEqual({
      processId: { kind: 'expression', source: 'journeyId' },
      propagateAllChildVariables: true,
      propagateAllParentVariables: false,
    });
  });

  it('should keep the type of a multi-instance activity and describe its loop', async () => {
    // given
    const { processes } = await parseFixture('Tasks.job-workers.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'parallelEach')).toMatchObject({
      type: 'SERVICE_TASK',
      multiInstance: {
        isSequential: false,
        inputCollection: 'customers',
        inputElement: 'customer',
        outputCollection: 'results',
        outputElement: 'result',
        completionCondition: 'numberOfCompletedInstances >= 3',
      },
    });
    expect(element(process, 'sequentialEach')).toMatchObject({
      type: 'SUB_PROCESS',
      multiInstance: { isSequential: true, inputCollection: 'offers' },
    });
  });

  it('should report job workers without a usable job definition', async () => {
    // given
    const xml = 'Tasks.invalid-job-workers.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    const expected = [
      { elementId: 'noDefinition', message: "Must have exactly one 'zeebe:taskDefinition' extension element" },
      { elementId: 'twoDefinitions', message: "Must have exactly one 'zeebe:taskDefinition' extension element" },
      { elementId: 'blankType', message: "Attribute 'type' must be present and not empty" },
      { elementId: 'emptyRetries', message: "Attribute 'retries' must be present and not empty" },
      {
        elementId: 'sendWithoutDefinition',
        message: "Must have exactly one 'zeebe:taskDefinition' extension element",
      },
      {
        elementId: 'feelScript',
        message:
          "Script tasks with a 'zeebe:script' extension element are not supported yet by this engine; use a 'zeebe:taskDefinition' (job worker) instead",
      },
      {
        elementId: 'bareScript',
        message: "Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element",
      },
      {
        elementId: 'scriptWithBoth',
        message: "Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element",
      },
      {
        elementId: 'dmnRule',
        message:
          "Business rule tasks with a 'zeebe:calledDecision' extension element are not supported yet by this engine; use a 'zeebe:taskDefinition' (job worker) instead",
      },
      {
        elementId: 'bareRule',
        message: "Must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' extension element",
      },
      {
        elementId: 'badHeaders',
        message:
          "Attribute 'key' contains 'io.camunda.zeebe:assignee', but header keys starting with 'io.camunda.zeebe:' are reserved for internal use.",
      },
      { elementId: 'badHeaders', message: "Headers contain duplicate entries for key 'channel'" },
      {
        elementId: 'badListeners',
        message: "Expected execution listener eventType to be 'start' or 'end', but found 'middle'",
      },
      { elementId: 'badListeners', message: "Attribute 'type' must be present and not empty" },
      {
        elementId: 'badListeners',
        message: "Found '2' duplicates based on eventType[end] and type[kpi.end], these combinations should be unique.",
      },
      { elementId: 'badFeel', message: "failed to parse expression '((('" },
      { elementId: 'badFeel', message: "failed to parse expression '((( retries'" },
      {
        elementId: 'dynamicAssignee',
        message:
          "Expected a static value for 'assignee' of a job worker user task, but found an expression; expressions there are not supported yet by this engine",
      },
    ];
    expect(problems).toEqual(expected);
  });

  it('should report invalid variable mappings', async () => {
    // given
    const xml = 'Tasks.invalid-mappings.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    expect(problems).toEqual([
      { elementId: 'task', message: "failed to parse expression '((('" },
      {
        elementId: 'task',
        message:
          "Expected path expression 'not a path' but doesn't match the pattern '[a-zA-Z_][a-zA-Z0-9_]*(\\.[a-zA-Z_][a-zA-Z0-9_]*)*'.",
      },
      { elementId: 'task', message: 'Expected path expression but not found.' },
      {
        elementId: 'task',
        message: "Expected expression but found static value 'result'. An expression must start with '=' (e.g. '=result').",
      },
      { elementId: 'task', message: 'Expected expression but not found.' },
    ]);
  });

  it('should report invalid call activities, loops and receive tasks', async () => {
    // given
    const xml = 'Tasks.invalid-activities.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    const expected = [
      { elementId: 'callWithoutElement', message: "Must have exactly one 'zeebe:calledElement' extension element" },
      { elementId: 'callWithoutProcessId', message: "Attribute 'processId' must be present and not empty" },
      {
        elementId: 'loopWithoutZeebe',
        message: "Must have exactly one 'zeebe:loopCharacteristics' extension element",
      },
      { elementId: 'loopWithoutCollection', message: "Attribute 'inputCollection' must be present and not empty" },
      {
        elementId: 'loopWithStaticCollection',
        message: "Expected expression but found static value 'items'. An expression must start with '=' (e.g. '=items').",
      },
      {
        elementId: 'loopWithStaticCollection',
        message: "Attribute 'outputElement' must be present if the attribute 'outputCollection' is set",
      },
      { elementId: 'loopWithStaticCollection', message: "failed to parse expression '((('" },
      {
        elementId: 'loopWithOutputElementOnly',
        message: "Attribute 'outputCollection' must be present if the attribute 'outputElement' is set",
      },
      { elementId: 'standardLoop', message: 'Only multi-instance loop characteristics are supported' },
      { elementId: 'compensationHandler', message: 'Compensation handlers are not supported yet by this engine' },
      { elementId: 'receiveWithoutMessage', message: 'Must reference a message' },
      { elementId: 'Message_nameless', message: 'Name must be present and not empty' },
      { elementId: 'Message_unsubscribed', message: 'Must have exactly one zeebe:subscription extension element' },
      {
        elementId: 'Message_static_key',
        message:
          "Expected expression but found static value 'customerId'. An expression must start with '=' (e.g. '=customerId').",
      },
      { elementId: 'receiveLikeItsBoundary', message: 'Cannot reference the same message name as a boundary event' },
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
  });
});
