import { processesOf } from './bpmn-diagram';
import { BpmnModdleRepository, type ModdleElement } from './bpmn-moddle.repository';
import { injectKpiListeners } from './kpi-listeners';

const moddle = new BpmnModdleRepository();

function definitions(body: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="journey" isExecutable="true">${body}</bpmn:process>${extra}
</bpmn:definitions>`;
}

async function inject(xml: string, jobType = 'travesia.kpi') {
  const document = await moddle.read(xml);
  const process = processesOf(document.definitions)[0];
  const listened = injectKpiListeners(process, jobType, (type, attrs) => moddle.create(type, attrs));
  const written = await moddle.write(document.definitions);
  return { listened, written, reread: processesOf((await moddle.read(written)).definitions)[0] };
}

/** `eventType:type` of every listener of the element, in order. */
function listenersOf(process: ModdleElement, id: string): string[] {
  const find = (container: ModdleElement): ModdleElement | undefined =>
    ((container.flowElements as ModdleElement[] | undefined) ?? []).reduce<ModdleElement | undefined>(
      (found, element) => found ?? (element.id === id ? element : find(element)),
      undefined,
    );
  const element = find(process)!;
  const extensions = ((element.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
  const container = extensions.find((value) => value.$type === 'zeebe:ExecutionListeners');
  return ((container?.listeners as ModdleElement[] | undefined) ?? []).map((l) => `${String(l.eventType ?? 'start')}:${String(l.type)}`);
}

describe('injectKpiListeners', () => {
  it('should give every kind of flow node the listeners Zeebe allows it, and the process an end listener', async () => {
    // given
    const xml = definitions(
      `<bpmn:startEvent id="start"/>
      <bpmn:serviceTask id="task"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:exclusiveGateway id="split"/>
      <bpmn:parallelGateway id="fork"/>
      <bpmn:intermediateThrowEvent id="milestone"/>
      <bpmn:boundaryEvent id="timeout" attachedToRef="task"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
      <bpmn:boundaryEvent id="undo" attachedToRef="task"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
      <bpmn:subProcess id="sub"><bpmn:startEvent id="subStart"/><bpmn:task id="inner"/><bpmn:endEvent id="subEnd"/></bpmn:subProcess>
      <bpmn:endEvent id="failed"><bpmn:errorEventDefinition errorRef="err"/></bpmn:endEvent>
      <bpmn:endEvent id="escalated"><bpmn:escalationEventDefinition/></bpmn:endEvent>
      <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition/></bpmn:endEvent>
      <bpmn:endEvent id="end"/>`,
      '<bpmn:error id="err" errorCode="E"/>',
    );

    // when
    const { listened, reread } = await inject(xml);

    // then
    expect(Object.fromEntries(listened.map((l) => [l.elementId, l.eventTypes]))).toEqual({
      start: ['end'],
      task: ['start', 'end'],
      split: ['start'],
      fork: ['start'],
      milestone: ['start', 'end'],
      timeout: ['end'],
      sub: ['start', 'end'],
      subStart: ['end'],
      inner: ['start', 'end'],
      subEnd: ['start', 'end'],
      failed: ['start'],
      escalated: ['start'],
      stop: ['start', 'end'],
      end: ['start', 'end'],
      journey: ['end'],
    });
    expect(listened.at(-1)).toEqual({ elementId: 'journey', elementType: 'bpmn:Process', eventTypes: ['end'] });
    const processListeners = (reread.extensionElements as ModdleElement).values as ModdleElement[];
    expect((processListeners[0].listeners as ModdleElement[]).map((l) => `${String(l.eventType)}:${String(l.type)}`)).toEqual(['end:travesia.kpi']);
    expect(listenersOf(reread, 'task')).toEqual(['start:travesia.kpi', 'end:travesia.kpi']);
    expect(listenersOf(reread, 'inner')).toEqual(['start:travesia.kpi', 'end:travesia.kpi']);
    expect(listenersOf(reread, 'split')).toEqual(['start:travesia.kpi']);
    expect(listenersOf(reread, 'start')).toEqual(['end:travesia.kpi']);
    expect(listenersOf(reread, 'undo')).toEqual([]);
  });

  it('should mark the events behind an event-based gateway as leaving it, since the gateway can have no end listener', async () => {
    // given
    const xml = definitions(
      `<bpmn:eventBasedGateway id="wait"/>
      <bpmn:sequenceFlow id="toOrder" sourceRef="wait" targetRef="order"/>
      <bpmn:sequenceFlow id="toTimeout" sourceRef="wait" targetRef="timeout"/>
      <bpmn:intermediateCatchEvent id="order"><bpmn:messageEventDefinition messageRef="msg"/></bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="timeout"><bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:exclusiveGateway id="split"/>
      <bpmn:sequenceFlow id="toLater" sourceRef="split" targetRef="later"/>
      <bpmn:intermediateCatchEvent id="later"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`,
      '<bpmn:message id="msg" name="order.placed"/>',
    );

    // when
    const { listened, reread } = await inject(xml);

    // then
    const byId = Object.fromEntries(listened.map((l) => [l.elementId, l]));
    expect(byId.wait).toEqual({ elementId: 'wait', elementType: 'bpmn:EventBasedGateway', eventTypes: ['start'] });
    expect(byId.order).toMatchObject({ eventTypes: ['start', 'end'], leaves: 'wait' });
    expect(byId.timeout).toMatchObject({ eventTypes: ['start', 'end'], leaves: 'wait' });
    expect(byId.later.leaves).toBeUndefined();
    expect(listenersOf(reread, 'wait')).toEqual(['start:travesia.kpi']);
  });

  it("should keep the analyst's listeners, with the KPI start listener first and the KPI end listener last", async () => {
    // given
    const xml = definitions(`<bpmn:serviceTask id="task"><bpmn:extensionElements>
        <zeebe:taskDefinition type="work"/>
        <zeebe:executionListeners>
          <zeebe:executionListener eventType="start" type="prepare"/>
          <zeebe:executionListener eventType="end" type="cleanup"/>
        </zeebe:executionListeners>
      </bpmn:extensionElements></bpmn:serviceTask>`);

    // when
    const { reread } = await inject(xml, 'kpi');

    // then
    expect(listenersOf(reread, 'task')).toEqual(['start:kpi', 'start:prepare', 'end:cleanup', 'end:kpi']);
  });

  it('should not add a listener the analyst already modelled with the same type and event', async () => {
    // given
    const xml = definitions(`<bpmn:task id="task"><bpmn:extensionElements><zeebe:executionListeners>
        <zeebe:executionListener eventType="end" type="kpi"/>
      </zeebe:executionListeners></bpmn:extensionElements></bpmn:task>`);

    // when
    const { reread } = await inject(xml, 'kpi');

    // then
    expect(listenersOf(reread, 'task')).toEqual(['start:kpi', 'end:kpi']);
  });

  it('should keep the rest of the diagram, layout included', async () => {
    // given
    const xml = definitions('<bpmn:startEvent id="start"/>').replace(
      '</bpmn:definitions>',
      `<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="journey">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="10" y="20" width="36" height="36"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`,
    );

    // when
    const { written } = await inject(xml);

    // then
    expect(written).toContain('<dc:Bounds x="10" y="20" width="36" height="36" />');
    expect(written).toContain('<zeebe:executionListener eventType="end" type="travesia.kpi" />');
  });
});
