import { checkExpression, element, fixture, parseFixture } from './__fixtures__/parse-fixture';
import { parseBpmn } from './parse-bpmn';

describe('parseBpmn', () => {
  it('should build one model per executable process of a collaboration', async () => {
    // given
    const xml = 'Document.collaboration.bpmn';

    // when
    const { processes, problems } = await parseFixture(xml);

    // then
    expect(problems).toEqual([]);
    expect(processes.map((process) => process.bpmnProcessId)).toEqual(['journey', 'shop']);
    const [journey] = processes;
    expect(journey).toMatchObject({ name: 'Welcome journey', noneStartEventId: 'start' });
    expect([...journey.elements.keys()]).toEqual(['journey', 'start', 'orderPlaced', 'end']);
    expect([...journey.flows.keys()]).toEqual(['Flow_1', 'Flow_2']);
    expect(element(journey, 'orderPlaced')).toMatchObject({
      type: 'INTERMEDIATE_CATCH_EVENT',
      eventType: 'MESSAGE',
      incoming: [{ id: 'Flow_1' }],
      outgoing: [{ id: 'Flow_2' }],
    });
  });

  it('should require at least one executable process', async () => {
    // given
    const xml = 'Document.no-executable-process.bpmn';

    // when
    const { processes, problems } = await parseFixture(xml);

    // then
    expect(processes).toEqual([]);
    expect(problems).toEqual([
      { elementId: 'Definitions_sketch', message: 'Must contain at least one executable process' },
    ]);
  });

  it('should report malformed XML as a problem instead of throwing', async () => {
    // given
    const xml = 'Document.malformed.bpmn';

    // when
    const { processes, problems } = await parseFixture(xml);

    // then
    expect(processes).toEqual([]);
    expect(problems).toEqual([
      {
        message:
          'Expected a well-formed BPMN 2.0 XML document, but it could not be read: closing tag mismatch at line 5, column 3',
      },
    ]);
  });

  it.each([
    ['an empty string', '', 'missing start tag at line 1, column 1'],
    ['plain text', 'not xml at all', 'missing start tag at line 1, column 1'],
    ['another XML vocabulary', '<html id="page"><body/></html>', 'unexpected element <html> at line 1, column 1'],
    [
      'a process without definitions',
      '<bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p"/>',
      'unexpected element <bpmn:process> at line 1, column 1',
    ],
  ])('should report %s as unreadable', async (_, xml, detail) => {
    // given
    const options = { checkExpression };

    // when
    const { processes, problems } = await parseBpmn(xml, options);

    // then
    expect(processes).toEqual([]);
    expect(problems).toEqual([
      { message: `Expected a well-formed BPMN 2.0 XML document, but it could not be read: ${detail}` },
    ]);
  });

  it('should report unknown BPMN elements and ignore foreign extensions', async () => {
    // given
    const xml = 'Document.unknown-elements.bpmn';

    // when
    const { processes, problems } = await parseFixture(xml);

    // then
    expect(problems).toEqual([
      { message: 'Expected a BPMN 2.0 element allowed in this position, but found <serviceTaskk> at line 5, column 5' },
      {
        message:
          'Expected a BPMN 2.0 element allowed in this position, but found <semantic:userTaks> at line 6, column 5',
      },
      { message: 'Expected a BPMN 2.0 element allowed in this position, but found <task> at line 9, column 7' },
    ]);
    expect([...processes[0].elements.keys()]).toEqual(['unknown', 'start', 'end', 'task']);
  });

  it('should report duplicate and malformed ids', async () => {
    // given
    const duplicates = 'Document.duplicate-ids.bpmn';
    const malformed = 'Document.invalid-ids.bpmn';

    // when
    const duplicateResult = await parseFixture(duplicates);
    const malformedResult = await parseFixture(malformed);

    // then
    expect(duplicateResult.problems).toEqual([
      { elementId: 'task', message: "Expected element ids to be unique, but 'task' is used by more than one element" },
      { elementId: 'start', message: "Expected element ids to be unique, but 'start' is used by more than one element" },
    ]);
    expect(malformedResult.problems).toEqual([
      {
        elementId: '1st task',
        message:
          "Expected id '1st task' to be a valid XML name (a letter or '_' followed by letters, digits, '.', '-' or '_')",
      },
      { message: "Attribute 'id' must be present and not empty on every element, but a 'Process' has none" },
      { message: "Attribute 'id' must be present and not empty on every element, but a 'Task' has none" },
    ]);
    expect(malformedResult.processes.map((process) => process.bpmnProcessId)).toEqual(['ids']);
  });

  it('should report references to missing elements in executable processes only', async () => {
    // given
    const xml = 'Document.unresolved-references.bpmn';

    // when
    const { processes, problems } = await parseFixture(xml);

    // then
    expect(problems).toEqual([
      { elementId: 'waitForGhost', message: "Attribute 'messageRef' references 'Message_ghost', which cannot be resolved" },
      { elementId: 'gateway', message: "Attribute 'default' references 'Flow_ghost', which cannot be resolved" },
      { elementId: 'ghostHost', message: "Attribute 'attachedToRef' references 'Task_ghost', which cannot be resolved" },
      { elementId: 'ghostError', message: "Attribute 'errorRef' references 'Error_ghost', which cannot be resolved" },
    ]);
    expect(element(processes[0], 'ghostError').error).toBeUndefined();
  });

  it('should report every problem at once', async () => {
    // given
    const xml = 'Document.every-problem.bpmn';

    // when
    const { problems } = await parseFixture(xml);

    // then
    const expected = [
      { elementId: 'journey', message: 'Multiple none start events are not allowed' },
      { elementId: 'sendEmail', message: "Must have exactly one 'zeebe:taskDefinition' extension element" },
      { elementId: 'f2', message: 'Must have a condition or be default flow' },
      { elementId: 'f3', message: "failed to parse expression '((('" },
      { elementId: 'f4', message: "SequenceFlow has targetRef 'nowhere' which cannot be resolved" },
      {
        elementId: 'complex',
        message:
          "Elements of type 'ComplexGateway' are currently not supported. Please refer to the documentation for a list of supported elements: https://docs.camunda.io/docs/components/modeler/bpmn/bpmn-coverage/",
      },
      { elementId: 'Message_click', message: 'Must have exactly one zeebe:subscription extension element' },
      { elementId: 'wait', message: 'Must be exactly one type of timer: timeDuration, timeDate or timeCycle' },
      { elementId: 'onGateway', message: 'Must be attached to an activity' },
      {
        elementId: 'optOutStart',
        message: 'Start events in event subprocesses must be one of: message, timer, error, signal or escalation',
      },
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
  });

  it('should check every FEEL expression of the resource', async () => {
    // given
    const checked: string[] = [];
    const options = { checkExpression: (source: string) => (checked.push(source), null) };

    // when
    const { problems } = await parseBpmn(fixture('Document.every-expression.bpmn'), options);

    // then
    expect(problems).toEqual([]);
    expect(checked.sort()).toEqual(
      [
        'calledProcessId',
        'completionCondition',
        'condition',
        'correlationKey',
        'errorCode',
        'escalationCode',
        'inputCollection',
        'inputSource',
        'jobRetries',
        'jobType',
        'listenerRetries',
        'listenerType',
        'messageName',
        'outputElement',
        'outputSource',
        'signalName',
        'timerValue',
      ].sort(),
    );
  });

  it('should parse a diagram of 1,000 tasks in linear time', async () => {
    // given
    const xml = sequenceOfTasks(1000);

    // when
    const startedAt = performance.now();
    const { processes, problems } = await parseBpmn(xml, { checkExpression });
    const elapsed = performance.now() - startedAt;

    // then
    expect(problems).toEqual([]);
    const [process] = processes;
    expect(process.elements.size).toBe(1003);
    expect(process.flows.size).toBe(1001);
    expect(element(process, 'task999').outgoing).toEqual([{ id: 'flow1000', sourceId: 'task999', targetId: 'end' }]);
    expect(elapsed).toBeLessThan(2000);
  });
});

/** start → task0 → … → task(n-1) → end, every task a job worker with a header and a mapping. */
function sequenceOfTasks(count: number): string {
  const tasks: string[] = [];
  const flows: string[] = [];
  for (let i = 0; i < count; i++) {
    tasks.push(`<bpmn:serviceTask id="task${i}"><bpmn:extensionElements>
      <zeebe:taskDefinition type="touchpoint.email" /><zeebe:taskHeaders><zeebe:header key="step" value="${i}" /></zeebe:taskHeaders>
      <zeebe:ioMapping><zeebe:input source="=customer.email" target="to" /></zeebe:ioMapping>
    </bpmn:extensionElements></bpmn:serviceTask>`);
    flows.push(`<bpmn:sequenceFlow id="flow${i}" sourceRef="${i === 0 ? 'start' : `task${i - 1}`}" targetRef="task${i}" />`);
  }
  flows.push(`<bpmn:sequenceFlow id="flow${count}" sourceRef="task${count - 1}" targetRef="end" />`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_large" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="large" isExecutable="true">
    <bpmn:startEvent id="start" />
    ${tasks.join('\n')}
    <bpmn:endEvent id="end" />
    ${flows.join('\n')}
  </bpmn:process>
</bpmn:definitions>`;
}
