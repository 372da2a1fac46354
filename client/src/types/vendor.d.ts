/** bpmn-io packages that ship no type declarations: their modules are opaque to the client. */
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: unknown;
  export const BpmnPropertiesProviderModule: unknown;
  export const ZeebePropertiesProviderModule: unknown;
}

declare module 'bpmn-js-element-templates' {
  export const CloudElementTemplatesPropertiesProviderModule: unknown;
}

declare module '@bpmn-io/element-template-chooser' {
  const ElementTemplateChooserModule: unknown;
  export default ElementTemplateChooserModule;
}

declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud' {
  const ZeebeBehaviorsModule: unknown;
  export default ZeebeBehaviorsModule;
}
