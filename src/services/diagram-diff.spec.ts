import { processesOf, summarizeProcess } from '../repositories/bpmn-diagram';
import { BpmnModdleRepository } from '../repositories/bpmn-moddle.repository';
import { diffDiagrams } from './diagram-diff';

const moddle = new BpmnModdleRepository();

function definitions(body: string, layout = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="journey" isExecutable="true">${body}</bpmn:process>
  <bpmn:message id="msg_1" name="order.placed"/>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="journey">${layout}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

async function diff(before: string, after: string) {
  const summary = async (xml: string) => summarizeProcess(processesOf((await moddle.read(xml)).definitions)[0]);
  return diffDiagrams(
    { number: 1, checksum: moddle.checksum(before), summary: await summary(before) },
    { checksum: moddle.checksum(after), summary: await summary(after) },
  );
}

const email = (type = 'touchpoint.email', template = 'welcome') =>
  `<bpmn:extensionElements><zeebe:taskDefinition type="${type}"/><zeebe:taskHeaders><zeebe:header key="template" value="${template}"/></zeebe:taskHeaders></bpmn:extensionElements>`;

describe('diffDiagrams', () => {
  it('should see no change when only the layout moved', async () => {
    // given
    const body = `<bpmn:startEvent id="start"/><bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>`;
    const before = definitions(body, '<bpmndi:BPMNShape id="s" bpmnElement="start"><dc:Bounds x="1" y="1" width="36" height="36"/></bpmndi:BPMNShape>');
    const after = definitions(body, '<bpmndi:BPMNShape id="s" bpmnElement="start"><dc:Bounds x="99" y="1" width="36" height="36"/></bpmndi:BPMNShape>');

    // when
    const result = await diff(before, after);

    // then
    expect(result).toEqual({
      previousVersion: 1,
      identical: false,
      unchanged: true,
      elements: { added: [], removed: [], changed: [] },
      flows: { added: [], removed: [], changed: [] },
    });
  });

  it('should list elements and flows added, removed and changed, with the aspects that changed', async () => {
    // given
    const before = definitions(`
      <bpmn:startEvent id="start"/>
      <bpmn:serviceTask id="welcome" name="Welcome email">${email()}</bpmn:serviceTask>
      <bpmn:task id="wait" name="Wait"/>
      <bpmn:exclusiveGateway id="segment" default="toEnd"/>
      <bpmn:endEvent id="end"/>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="welcome"/>
      <bpmn:sequenceFlow id="f2" sourceRef="welcome" targetRef="wait"/>
      <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="segment"/>
      <bpmn:sequenceFlow id="toEnd" sourceRef="segment" targetRef="end"/>
      <bpmn:sequenceFlow id="toHero" sourceRef="segment" targetRef="end"><bpmn:conditionExpression>=segment = "hero"</bpmn:conditionExpression></bpmn:sequenceFlow>`);
    const after = definitions(`
      <bpmn:startEvent id="start"/>
      <bpmn:serviceTask id="welcome" name="Welcome!">${email('touchpoint.email', 'welcome-v2')}</bpmn:serviceTask>
      <bpmn:serviceTask id="wait" name="Wait">${email('touchpoint.sms')}</bpmn:serviceTask>
      <bpmn:exclusiveGateway id="segment" default="toEnd"/>
      <bpmn:serviceTask id="offer" name="Hero offer">${email()}</bpmn:serviceTask>
      <bpmn:endEvent id="end"/>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="welcome"/>
      <bpmn:sequenceFlow id="f2" sourceRef="welcome" targetRef="wait"/>
      <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="segment"/>
      <bpmn:sequenceFlow id="toEnd" sourceRef="segment" targetRef="end"/>
      <bpmn:sequenceFlow id="toHero" sourceRef="segment" targetRef="offer"><bpmn:conditionExpression>=segment = "hero" or segment = "repeater"</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="f4" sourceRef="offer" targetRef="end"/>`);

    // when
    const result = await diff(before, after);

    // then
    expect(result.unchanged).toBe(false);
    expect(result.elements).toEqual({
      added: [{ id: 'offer', type: 'bpmn:ServiceTask', name: 'Hero offer' }],
      removed: [],
      changed: [
        { id: 'welcome', type: 'bpmn:ServiceTask', changes: ['name', 'zeebe:TaskHeaders'] },
        { id: 'wait', type: 'bpmn:ServiceTask', previousType: 'bpmn:Task', changes: ['type', 'zeebe:TaskDefinition', 'zeebe:TaskHeaders'] },
      ],
    });
    expect(result.flows).toEqual({
      added: [{ id: 'f4', sourceRef: 'offer', targetRef: 'end' }],
      removed: [],
      changed: [{ id: 'toHero', sourceRef: 'segment', targetRef: 'offer', changes: ['conditionExpression', 'targetRef'] }],
    });
  });

  it('should report removed elements, moves into a subprocess and message changes', async () => {
    // given
    const before = definitions(`
      <bpmn:startEvent id="start"/>
      <bpmn:task id="a"/>
      <bpmn:receiveTask id="purchase" messageRef="msg_1"/>
      <bpmn:endEvent id="end"/>`);
    const after = definitions(`
      <bpmn:startEvent id="start"/>
      <bpmn:subProcess id="sub"><bpmn:task id="a"/></bpmn:subProcess>
      <bpmn:receiveTask id="purchase" messageRef="msg_1"/>`).replace('name="order.placed"', 'name="order.paid"');

    // when
    const result = await diff(before, after);

    // then
    expect(result.elements.added).toEqual([{ id: 'sub', type: 'bpmn:SubProcess' }]);
    expect(result.elements.removed).toEqual([{ id: 'end', type: 'bpmn:EndEvent' }]);
    expect(result.elements.changed).toEqual([
      { id: 'a', type: 'bpmn:Task', changes: ['parent'] },
      { id: 'purchase', type: 'bpmn:ReceiveTask', changes: ['messageRef'] },
    ]);
  });
});
