import { bpmnModdle, bpmnModdleConstructor } from './bpmn-moddle-loader';

describe('bpmnModdleConstructor', () => {
  class FakeModdle {}

  it.each([
    ['a named export (bpmn-moddle 10)', { BpmnModdle: FakeModdle }],
    ['a default export transpiled by Jest', { default: FakeModdle }],
    ['a default export loaded through require(esm)', { default: { default: FakeModdle } }],
    ['a named export wrapped once more', { default: { BpmnModdle: FakeModdle } }],
  ])('should find the class in %s', (_, moduleObject) => {
    // given
    const loaded: unknown = moduleObject;

    // when
    const found = bpmnModdleConstructor(loaded);

    // then
    expect(found).toBe(FakeModdle);
  });

  it('should fail loudly when the module has no class', () => {
    // given
    const loaded = { default: { version: '10' } };

    // when
    const find = () => bpmnModdleConstructor(loaded);

    // then
    expect(find).toThrow('Expected bpmn-moddle to export the BpmnModdle class, but found none');
  });
});

describe('bpmnModdle', () => {
  it('should build the moddle with the zeebe extension once', async () => {
    // given
    const xml =
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">' +
      '<bpmn:process id="p"><bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="x"/>' +
      '</bpmn:extensionElements></bpmn:serviceTask></bpmn:process></bpmn:definitions>';

    // when
    const { rootElement, warnings } = await bpmnModdle().fromXML(xml);

    // then
    expect(bpmnModdle()).toBe(bpmnModdle());
    expect(warnings).toEqual([]);
    expect(JSON.stringify(rootElement)).toContain('"$type":"zeebe:TaskDefinition"');
  });
});
