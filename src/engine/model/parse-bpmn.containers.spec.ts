import { element, parseFixture } from './__fixtures__/parse-fixture';

describe('parseBpmn: processes, subprocesses and event subprocesses', () => {
  it('should describe the process as the root container of its elements', async () => {
    // given
    const { processes, problems } = await parseFixture('Containers.subprocesses.bpmn');

    // when
    const [process] = processes;

    // then
    expect(problems).toEqual([]);
    expect(element(process, 'containers')).toEqual({
      id: 'containers',
      type: 'PROCESS',
      eventType: 'UNSPECIFIED',
      flowScopeId: null,
      incoming: [],
      outgoing: [],
      childIds: ['start', 'onboarding', 'end', 'reminder', 'failure'],
      noneStartEventId: 'start',
      eventSubprocessStartIds: ['reminderStart', 'failureStart'],
    });
  });

  it('should nest subprocess children in their own flow scope', async () => {
    // given
    const { processes } = await parseFixture('Containers.subprocesses.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'onboarding')).toMatchObject({
      type: 'SUB_PROCESS',
      eventType: 'UNSPECIFIED',
      flowScopeId: 'containers',
      childIds: ['onboardingStart', 'welcome', 'onboardingEnd', 'onboardingOptOut'],
      noneStartEventId: 'onboardingStart',
      eventSubprocessStartIds: ['optOutStart'],
      boundaryEventIds: [],
    });
    expect(element(process, 'welcome')).toMatchObject({
      flowScopeId: 'onboarding',
      incoming: [{ id: 'innerA', sourceId: 'onboardingStart', targetId: 'welcome' }],
    });
    expect(element(process, 'optOutEnd').flowScopeId).toBe('onboardingOptOut');
    expect(process.flows.get('optOutFlow')).toEqual({ id: 'optOutFlow', sourceId: 'optOutStart', targetId: 'optOutEnd' });
  });

  it('should read event subprocesses and whether their start interrupts', async () => {
    // given
    const { processes } = await parseFixture('Containers.subprocesses.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'reminder')).toMatchObject({
      type: 'EVENT_SUB_PROCESS',
      flowScopeId: 'containers',
      childIds: ['reminderStart'],
    });
    expect(element(process, 'reminder').noneStartEventId).toBeUndefined();
    expect(element(process, 'reminderStart')).toMatchObject({
      type: 'START_EVENT',
      eventType: 'TIMER',
      interrupting: false,
      flowScopeId: 'reminder',
    });
    expect(element(process, 'failureStart')).toMatchObject({ eventType: 'ERROR', interrupting: true, error: {} });
    expect(element(process, 'optOutStart')).toMatchObject({
      eventType: 'MESSAGE',
      interrupting: true,
      message: { correlationKey: { kind: 'expression', source: 'customerId' } },
    });
    expect(process.messageStartEventIds).toEqual([]);
    expect(process.timerStartEventIds).toEqual([]);
  });

  it('should skip data objects', async () => {
    // given
    const { processes } = await parseFixture('Containers.subprocesses.bpmn');

    // when
    const [process] = processes;

    // then
    expect(process.elements.has('customer')).toBe(false);
    expect(process.elements.has('customerRef')).toBe(false);
  });

  it('should report scopes without a proper start and flows that do not connect', async () => {
    // given
    const xml = 'Containers.invalid-scopes.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    const expected = [
      { elementId: 'noStart', message: 'Must have at least one start event' },
      { elementId: 'twoNoneStarts', message: 'Multiple none start events are not allowed' },
      { elementId: 'twoStarts', message: 'Must have exactly one start event' },
      { elementId: 'noInnerStart', message: 'Must have exactly one start event' },
      { elementId: 'innerMessageStart', message: 'Start events in subprocesses must be of type none' },
      {
        elementId: 'noneEventStart',
        message: 'Start events in event subprocesses must be one of: message, timer, error, signal or escalation',
      },
      { elementId: 'nonInterruptingErrorStart', message: 'Non-Interrupting event of this type is not allowed' },
      {
        elementId: 'twoNoneStarts',
        message: "Multiple message event definitions with the same name 'a' are not allowed.",
      },
      { elementId: 'everyHourStart', message: 'Interrupting timer event with time cycle is not allowed.' },
      {
        elementId: 'transaction',
        message:
          "Elements of type 'Transaction' are currently not supported. Please refer to the documentation for a list of supported elements: https://docs.camunda.io/docs/components/modeler/bpmn/bpmn-coverage/",
      },
      { elementId: 'adHoc', message: 'Ad-hoc subprocesses are not supported yet by this engine' },
      {
        elementId: 'acrossScopes',
        message:
          "Expected a sequence flow to connect elements of the same scope, but 'startA' and 'innerTask' are in different scopes",
      },
      { elementId: 'toNowhere', message: "SequenceFlow has targetRef 'missing' which cannot be resolved" },
      { elementId: 'fromNowhere', message: 'SequenceFlow is missing required attribute sourceRef' },
      { elementId: 'toMessage', message: "SequenceFlow has targetRef 'Message_a' which cannot be resolved" },
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
  });
});
