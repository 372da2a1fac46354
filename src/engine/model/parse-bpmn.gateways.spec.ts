import { element, parseFixture } from './__fixtures__/parse-fixture';

describe('parseBpmn: gateways and sequence flows', () => {
  it('should keep conditions without their = and the default flow of an exclusive gateway', async () => {
    // given
    const { processes, problems } = await parseFixture('Gateways.branching.bpmn');

    // when
    const [process] = processes;
    const segment = element(process, 'segment');

    // then
    expect(problems).toEqual([]);
    expect(segment).toMatchObject({ type: 'EXCLUSIVE_GATEWAY', name: 'Segment?', defaultFlowId: 'toOthers' });
    expect(segment.outgoing).toEqual([
      { id: 'toVip', name: 'VIP', sourceId: 'segment', targetId: 'channels', condition: 'segment = "vip"' },
      { id: 'toOthers', sourceId: 'segment', targetId: 'fork' },
      { id: 'toNew', sourceId: 'segment', targetId: 'race', condition: 'segment = "new"' },
    ]);
    expect(process.flows.get('toVip')).toBe(segment.outgoing[0]);
  });

  it('should list outgoing and incoming flows in document order', async () => {
    // given
    const { processes } = await parseFixture('Gateways.branching.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'channels')).toMatchObject({
      type: 'INCLUSIVE_GATEWAY',
      defaultFlowId: 'toNone',
      executionListeners: [{ eventType: 'start', type: { kind: 'static', value: 'kpi' } }],
    });
    expect(element(process, 'channels').outgoing.map((flow) => flow.id)).toEqual(['toEmail', 'toSms', 'toNone']);
    expect(element(process, 'join').incoming.map((flow) => flow.id)).toEqual(['toEmail', 'toSms', 'fork1', 'fork2']);
    expect(element(process, 'fork')).toMatchObject({ type: 'PARALLEL_GATEWAY', eventType: 'UNSPECIFIED' });
    expect(process.flows.size).toBe(13);
  });

  it('should list the catch events that follow an event-based gateway', async () => {
    // given
    const { processes } = await parseFixture('Gateways.branching.bpmn');

    // when
    const [process] = processes;

    // then
    expect(element(process, 'race')).toMatchObject({
      type: 'EVENT_BASED_GATEWAY',
      eventBasedTargets: ['clicked', 'tooLate', 'stopped'],
    });
  });

  it('should report every gateway and condition problem', async () => {
    // given
    const xml = 'Gateways.invalid-branching.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    const expected = [
      { elementId: 'exclusive', message: "Execution listeners of type 'end' are not supported by gateway element" },
      { elementId: 'exclusive', message: 'Default flow must start at gateway' },
      { elementId: 'unconditional', message: 'Must have a condition or be default flow' },
      {
        elementId: 'staticCondition',
        message:
          "Expected expression but found static value 'approved'. An expression must start with '=' (e.g. '=approved').",
      },
      { elementId: 'brokenCondition', message: "failed to parse expression '((('" },
      { elementId: 'inclusiveA', message: 'Must have a condition' },
      {
        elementId: 'parallel',
        message: 'Conditional sequence flows are only supported at exclusive or inclusive gateway',
      },
      { elementId: 'task', message: 'Conditional sequence flows are only supported at exclusive or inclusive gateway' },
      {
        elementId: 'complex',
        message:
          "Elements of type 'ComplexGateway' are currently not supported. Please refer to the documentation for a list of supported elements: https://docs.camunda.io/docs/components/modeler/bpmn/bpmn-coverage/",
      },
      { elementId: 'lonely', message: 'Event-based gateway must have at least 2 outgoing sequence flows.' },
      {
        elementId: 'lonely',
        message:
          'Target elements of an event gateway must not have any additional incoming sequence flows other than that from the event gateway.',
      },
      {
        elementId: 'mixed',
        message:
          'Event-based gateway must not have an outgoing sequence flow to other elements than message/timer/signal/conditional intermediate catch events.',
      },
      {
        elementId: 'mixed',
        message:
          'Target elements of an event gateway must not have any additional incoming sequence flows other than that from the event gateway.',
      },
      { elementId: 'mixed', message: "Multiple message event definitions with the same name 'a' are not allowed." },
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
  });
});
