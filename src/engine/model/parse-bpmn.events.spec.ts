import { element, parseFixture } from './__fixtures__/parse-fixture';

describe('parseBpmn: events', () => {
  it('should index the start events of a process by kind', async () => {
    // given
    const { processes, problems } = await parseFixture('Events.start-events.bpmn');

    // when
    const [process] = processes;

    // then
    expect(problems).toEqual([]);
    expect(process).toMatchObject({
      bpmnProcessId: 'starts',
      noneStartEventId: 'noneStart',
      messageStartEventIds: ['messageStart'],
      timerStartEventIds: ['timerStart', 'dateStart'],
      signalStartEventIds: ['signalStart'],
    });
    expect(element(process, 'starts')).toMatchObject({
      type: 'PROCESS',
      noneStartEventId: 'noneStart',
      executionListeners: [
        { eventType: 'end', type: { kind: 'static', value: 'kpi.process.end' }, retries: { kind: 'static', value: '3' } },
      ],
    });
  });

  it('should read message, timer and signal start events without subscriptions', async () => {
    // given
    const { processes } = await parseFixture('Events.start-events.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'noneStart')).toMatchObject({ type: 'START_EVENT', eventType: 'NONE', name: 'Enrolled' });
    expect(element(process, 'messageStart')).toMatchObject({
      eventType: 'MESSAGE',
      message: { name: { kind: 'static', value: 'customer.signed-up' } },
    });
    expect(element(process, 'messageStart').message?.correlationKey).toBeUndefined();
    expect(element(process, 'timerStart')).toMatchObject({
      eventType: 'TIMER',
      timer: { kind: 'cycle', value: { kind: 'static', value: 'R/P1D' } },
    });
    expect(element(process, 'dateStart').timer).toEqual({
      kind: 'date',
      value: { kind: 'expression', source: 'date and time("2030-01-01T00:00:00@UTC")' },
    });
    expect(element(process, 'signalStart')).toMatchObject({
      eventType: 'SIGNAL',
      signal: { name: { kind: 'static', value: 'campaign.launched' } },
    });
    expect(element(process, 'noneStart').interrupting).toBeUndefined();
  });

  it('should read intermediate catch events', async () => {
    // given
    const { processes, problems } = await parseFixture('Events.catch-and-throw.bpmn');

    // when
    const [process] = processes;

    // then
    expect(problems).toEqual([]);
    expect(element(process, 'waitForClick')).toMatchObject({
      type: 'INTERMEDIATE_CATCH_EVENT',
      eventType: 'MESSAGE',
      message: {
        name: { kind: 'expression', source: '"clicked-" + campaign' },
        correlationKey: { kind: 'expression', source: 'customerId' },
      },
    });
    expect(element(process, 'wait3Days').timer).toEqual({ kind: 'duration', value: { kind: 'static', value: 'P3D' } });
    expect(element(process, 'waitUntil').timer).toEqual({ kind: 'date', value: { kind: 'expression', source: 'sendAt' } });
    expect(element(process, 'waitForSignal')).toMatchObject({
      eventType: 'SIGNAL',
      signal: { name: { kind: 'expression', source: '"wave-" + string(wave)' } },
    });
    expect(element(process, 'linkCatch')).toMatchObject({ eventType: 'LINK', link: { name: 'retry' } });
  });

  it('should read intermediate throw events', async () => {
    // given
    const { processes } = await parseFixture('Events.catch-and-throw.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'milestone')).toMatchObject({ type: 'INTERMEDIATE_THROW_EVENT', eventType: 'NONE' });
    expect(element(process, 'linkThrow')).toMatchObject({ eventType: 'LINK', link: { name: 'retry' } });
    expect(element(process, 'throwSignal').signal).toEqual({
      name: { kind: 'expression', source: '"wave-" + string(wave)' },
    });
    expect(element(process, 'throwEscalation')).toMatchObject({
      eventType: 'ESCALATION',
      escalation: { escalationCode: { kind: 'static', value: 'vip' } },
    });
    expect(element(process, 'throwMessage')).toMatchObject({
      eventType: 'MESSAGE',
      jobDefinition: { type: { kind: 'static', value: 'publish.offer' }, retries: { kind: 'static', value: '3' } },
    });
    expect(element(process, 'throwMessage').message).toBeUndefined();
  });

  it('should read end events', async () => {
    // given
    const { processes } = await parseFixture('Events.catch-and-throw.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'noneEnd')).toMatchObject({ type: 'END_EVENT', eventType: 'NONE' });
    expect(element(process, 'terminateEnd')).toMatchObject({ type: 'END_EVENT', eventType: 'TERMINATE' });
    expect(element(process, 'errorEnd')).toMatchObject({
      eventType: 'ERROR',
      error: { errorCode: { kind: 'expression', source: 'reason' } },
    });
    expect(element(process, 'escalationEnd').escalation).toEqual({ escalationCode: { kind: 'static', value: 'vip' } });
    expect(element(process, 'signalEnd').eventType).toBe('SIGNAL');
    expect(element(process, 'messageEnd')).toMatchObject({
      eventType: 'MESSAGE',
      jobDefinition: { type: { kind: 'static', value: 'publish.thanks' }, retries: { kind: 'static', value: '1' } },
    });
  });

  it('should attach boundary events to their activity', async () => {
    // given
    const { processes, problems } = await parseFixture('Events.boundary.bpmn');

    // when
    const [process] = processes;

    // then
    expect(problems).toEqual([]);
    expect(element(process, 'charge').boundaryEventIds).toEqual([
      'chargeTimeout',
      'chargeReminder',
      'chargeDeclined',
      'chargeAnyError',
      'chargeCancelled',
    ]);
    expect(element(process, 'journey').boundaryEventIds).toEqual(['journeyEscalated', 'journeySignal']);
    expect(element(process, 'chargeTimeout')).toMatchObject({
      type: 'BOUNDARY_EVENT',
      eventType: 'TIMER',
      attachedToId: 'charge',
      flowScopeId: 'boundary',
      interrupting: true,
      outgoing: [{ id: 'timeoutFlow', sourceId: 'chargeTimeout', targetId: 'timedOut' }],
    });
    expect(element(process, 'chargeReminder')).toMatchObject({
      interrupting: false,
      timer: { kind: 'cycle', value: { kind: 'static', value: 'R3/PT10M' } },
    });
  });

  it('should read caught errors, escalations, messages and signals with catch-all codes', async () => {
    // given
    const { processes } = await parseFixture('Events.boundary.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'chargeDeclined').error).toEqual({ errorCode: { kind: 'static', value: 'card-declined' } });
    expect(element(process, 'chargeAnyError').error).toEqual({});
    expect(element(process, 'chargeCancelled')).toMatchObject({
      interrupting: false,
      message: {
        name: { kind: 'static', value: 'order.cancelled' },
        correlationKey: { kind: 'expression', source: 'orderId' },
      },
    });
    expect(element(process, 'journeyEscalated')).toMatchObject({
      interrupting: false,
      escalation: { escalationCode: { kind: 'static', value: 'vip' } },
    });
    expect(element(process, 'journeySignal').signal).toEqual({ name: { kind: 'static', value: 'stop' } });
  });

  it('should report invalid boundary events', async () => {
    // given
    const xml = 'Events.invalid-boundary.bpmn';

    // when
    const { processes, problems } = await parseFixture(xml);

    // then
    const expected = [
      { elementId: 'detached', message: 'Must be attached to an activity' },
      { elementId: 'onGateway', message: 'Must be attached to an activity' },
      { elementId: 'withIncoming', message: 'Cannot have incoming sequence flows' },
      { elementId: 'withoutDefinition', message: 'Must have exactly one event definition' },
      { elementId: 'withTwoDefinitions', message: 'Must have exactly one event definition' },
      { elementId: 'terminating', message: 'Boundary events must be one of: timer, message, error, signal, escalation' },
      { elementId: 'nonInterruptingError', message: 'Non-Interrupting event of this type is not allowed' },
      { elementId: 'interruptingCycle', message: 'Interrupting timer event with time cycle is not allowed.' },
      {
        elementId: 'escalationOnTask',
        message: 'An escalation boundary event should only be attached to a subprocess, or a call activity.',
      },
      {
        elementId: 'task',
        message:
          'The same scope can not contain more than one error catch event without error code. An error catch event without error code catches all errors.',
      },
      {
        elementId: 'task',
        message: "Multiple error catch events with the same error code 'b' are not supported on the same scope.",
      },
      {
        elementId: 'expressionCode',
        message: 'The errorCode of the error catch event is not allowed to be an expression',
      },
      { elementId: 'task', message: "Multiple message event definitions with the same name 'a' are not allowed." },
      { elementId: 'compensation', message: 'Compensation events are not supported yet by this engine' },
      {
        elementId: 'startListener',
        message: "Execution listeners of type 'start' are not supported by boundary events",
      },
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
    expect(element(processes[0], 'onGateway').attachedToId).toBeUndefined();
  });

  it('should report events whose definition does not fit where they are', async () => {
    // given
    const xml = 'Events.invalid-events.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    const expected = [
      { elementId: 'start', message: "Execution listeners of type 'start' are not supported by start events" },
      { elementId: 'twoTypes', message: "Start event can't have more than one type" },
      { elementId: 'errorStart', message: 'Start events of a process must be one of: none, message, timer or signal' },
      { elementId: 'Message_nameless', message: 'Name must be present and not empty' },
      { elementId: 'conditionalStart', message: 'Conditional events are not supported yet by this engine' },
      { elementId: 'catchNothing', message: 'Must have exactly one event definition' },
      {
        elementId: 'catchCycle',
        message: 'Intermediate timer catch event must have either a time duration or a time date.',
      },
      {
        elementId: 'catchError',
        message: 'Event definition must be one of: message, timer, signal, link, or conditional',
      },
      {
        elementId: 'timerWithoutTime',
        message: 'Must be exactly one type of timer: timeDuration, timeDate or timeCycle',
      },
      {
        elementId: 'timerWithTwoTimes',
        message: 'Must be exactly one type of timer: timeDuration, timeDate or timeCycle',
      },
      { elementId: 'timerWithBadFeel', message: "failed to parse expression '((('" },
      { elementId: 'catchMessageWithoutRef', message: 'Must reference a message' },
      { elementId: 'catchSignalWithoutRef', message: 'Must reference a signal' },
      { elementId: 'Signal_nameless', message: 'Name must be present and not empty' },
      { elementId: 'namelessLink', message: 'Link name must be present and not empty.' },
      {
        elementId: 'invalidEvents',
        message: "Multiple intermediate catch link event definitions with the same name 'A' are not allowed.",
      },
      {
        elementId: 'invalidEvents',
        message: "Can't find an catch link event for the throw link event with the name 'B'.",
      },
      {
        elementId: 'throwError',
        message: 'Intermediate throw events must be one of: none, message, signal, escalation or link',
      },
      {
        elementId: 'throwMessageWithoutJob',
        message: "Must have exactly one 'zeebe:taskDefinition' extension element",
      },
      { elementId: 'throwCompensation', message: 'Compensation events are not supported yet by this engine' },
      { elementId: 'endWithOutgoing', message: 'End events must not have outgoing sequence flows to other elements.' },
      { elementId: 'errorEndWithoutError', message: 'Must reference an error' },
      { elementId: 'errorEndWithoutCode', message: 'ErrorCode must be present and not empty' },
      {
        elementId: 'errorEndWithoutCode',
        message: "Execution listeners of type 'end' are not supported by [escalation, error] end events",
      },
      { elementId: 'escalationEndWithoutEscalation', message: 'Must reference an escalation' },
      { elementId: 'escalationEndWithoutCode', message: 'EscalationCode must be present and not empty' },
      {
        elementId: 'endWithTimer',
        message: 'End events must be one of: none, error, message, terminate, signal, escalation or compensation',
      },
      { elementId: 'endWithTwoDefinitions', message: 'Must have at most one event definition' },
      { elementId: 'cancelEnd', message: 'Event definition of this type is not supported' },
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
  });

  it('should report message start events that cannot be told apart', async () => {
    // given
    const xml = 'Events.message-start-events.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        { elementId: 'Message_shared', message: 'A message cannot be referred by more than one start event' },
        { elementId: 'first', message: "Multiple message event definitions with the same name 'twin' are not allowed." },
        { elementId: 'first', message: "Multiple signal event definitions with the same name 'a' are not allowed." },
      ]),
    );
  });
});
