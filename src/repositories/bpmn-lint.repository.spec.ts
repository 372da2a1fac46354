import { fillFlowNodeReferences, processesOf } from './bpmn-diagram';
import { BpmnLintRepository } from './bpmn-lint.repository';
import { BpmnModdleRepository } from './bpmn-moddle.repository';

describe('BpmnLintRepository', () => {
  const moddle = new BpmnModdleRepository();
  const linter = new BpmnLintRepository();

  async function lint(body: string) {
    const { definitions } = await moddle.read(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="x">
  <bpmn:process id="journey" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`);
    for (const process of processesOf(definitions)) fillFlowNodeReferences(process);
    return linter.lint(definitions);
  }

  it('should report Camunda 8.8 problems per element, and keep warnings apart from errors', async () => {
    // when
    const findings = await lint(`
      <bpmn:startEvent id="start" name="Start"/>
      <bpmn:serviceTask id="send" name="Send"/>
      <bpmn:complexGateway id="complex" name="Complex"/>
      <bpmn:endEvent id="end"/>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
      <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="complex"/>
      <bpmn:sequenceFlow id="f3" sourceRef="complex" targetRef="end"><bpmn:conditionExpression>= x &gt;</bpmn:conditionExpression></bpmn:sequenceFlow>`);

    // then
    const errors = findings.filter((f) => f.category === 'error').map((f) => `${f.elementId} ${f.rule}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        'send camunda-compat/implementation',
        'complex camunda-compat/element-type',
        'complex bpmnlint/no-complex-gateway',
        'f3 camunda-compat/feel',
      ]),
    );
    expect(findings.find((f) => f.elementId === 'send' && f.rule === 'camunda-compat/implementation')?.message).toBe(
      'Element of type <bpmn:ServiceTask> must have one extension element of type <zeebe:TaskDefinition>',
    );
    expect(findings.filter((f) => f.rule === 'bpmnlint/label-required').map((f) => [f.elementId, f.category])).toEqual([
      ['end', 'warn'],
      ['f3', 'warn'],
    ]);
  });

  it('should accept a connected diagram without DI whose flows are only in the sequence flows, run after run', async () => {
    // given
    const body = `
      <bpmn:startEvent id="start" name="Start"/>
      <bpmn:serviceTask id="send" name="Send"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:inclusiveGateway id="split" name="Split" default="f3"/>
      <bpmn:endEvent id="end" name="End"/>
      <bpmn:endEvent id="hero_end" name="Hero"/>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
      <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="split"/>
      <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="end"/>
      <bpmn:sequenceFlow id="f4" name="hero" sourceRef="split" targetRef="hero_end"><bpmn:conditionExpression>=segment = "hero"</bpmn:conditionExpression></bpmn:sequenceFlow>`;

    // when
    const findings = await lint(body);

    // then: only the missing layout is mentioned, as a warning
    expect(findings.filter((f) => f.category === 'error')).toEqual([]);
    expect([...new Set(findings.map((f) => f.rule))]).toEqual(['bpmnlint/no-bpmndi']);
    expect(await lint(body)).toEqual(findings);
  });
});
