import { catchableMessagesOf, processesOf } from './bpmn-diagram';
import { BpmnModdleRepository } from './bpmn-moddle.repository';

describe('catchableMessagesOf', () => {
  it('should tell start messages from the messages running instances wait for, and skip FEEL names', async () => {
    // given
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="x">
  <bpmn:process id="journey" isExecutable="true">
    <bpmn:startEvent id="signup"><bpmn:messageEventDefinition messageRef="m_signup"/></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait_purchase"><bpmn:messageEventDefinition messageRef="m_purchase"/></bpmn:intermediateCatchEvent>
    <bpmn:receiveTask id="wait_click" messageRef="m_click"/>
    <bpmn:task id="task"/>
    <bpmn:boundaryEvent id="unsubscribed" attachedToRef="task"><bpmn:messageEventDefinition messageRef="m_unsub"/></bpmn:boundaryEvent>
    <bpmn:subProcess id="on_call" triggeredByEvent="true">
      <bpmn:startEvent id="called" isInterrupting="false"><bpmn:messageEventDefinition messageRef="m_called"/></bpmn:startEvent>
    </bpmn:subProcess>
    <bpmn:intermediateCatchEvent id="dynamic"><bpmn:messageEventDefinition messageRef="m_dynamic"/></bpmn:intermediateCatchEvent>
  </bpmn:process>
  <bpmn:message id="m_signup" name="customer.registered"/>
  <bpmn:message id="m_purchase" name="=&quot;order.placed&quot;"/>
  <bpmn:message id="m_click" name="email.clicked"/>
  <bpmn:message id="m_unsub" name="customer.unsubscribed"/>
  <bpmn:message id="m_called" name="support.called"/>
  <bpmn:message id="m_dynamic" name="=eventName"/>
</bpmn:definitions>`;
    const process = processesOf((await new BpmnModdleRepository().read(xml)).definitions)[0];

    // when
    const messages = catchableMessagesOf(process);

    // then
    expect(messages).toEqual({
      all: ['customer.registered', 'customer.unsubscribed', 'email.clicked', 'order.placed', 'support.called'],
      start: ['customer.registered'],
      waiting: ['customer.unsubscribed', 'email.clicked', 'order.placed', 'support.called'],
      dynamicElementIds: ['dynamic'],
    });
  });
});
