/**
 * Raw BPMN XML fragments for the engine tests about events and structure (errors, escalations,
 * event subprocesses, call activities, multi-instance, links, listeners). Each function returns
 * the XML of one element, so a test reads like the diagram it deploys; `definitions()` wraps
 * root elements (errors, escalations, messages) and processes into a document.
 */

export interface ElementOptions {
  /** Extra content for `bpmn:extensionElements` (io mappings, listeners, headers…). */
  extensions?: string;
  /** Extra child elements after the extension elements (loop characteristics…). */
  children?: string;
  /** Extra attributes, written as is (e.g. `name="x"`). */
  attributes?: string;
}

export function definitions(...parts: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="definitions" targetNamespace="http://bpmn.io/schema/bpmn">
${parts.join('\n')}
</bpmn:definitions>`;
}

export function process(id: string, ...body: string[]): string {
  return `<bpmn:process id="${id}" isExecutable="true">\n${body.join('\n')}\n</bpmn:process>`;
}

// --- root elements -------------------------------------------------------------------

export const errorDefinition = (id: string, code: string) => `<bpmn:error id="${id}" errorCode="${escape(code)}"/>`;
export const escalationDefinition = (id: string, code: string) => `<bpmn:escalation id="${id}" escalationCode="${escape(code)}"/>`;
export function messageDefinition(id: string, name: string, correlationKey?: string): string {
  const subscription = correlationKey
    ? `<bpmn:extensionElements><zeebe:subscription correlationKey="${escape(correlationKey)}"/></bpmn:extensionElements>`
    : '';
  return `<bpmn:message id="${id}" name="${escape(name)}">${subscription}</bpmn:message>`;
}

// --- event definitions -----------------------------------------------------------------

/** An error event definition; without `errorRef` a catch event catches every error. */
export const errorEvent = (errorRef?: string) => (errorRef ? `<bpmn:errorEventDefinition errorRef="${errorRef}"/>` : '<bpmn:errorEventDefinition/>');
export const escalationEvent = (escalationRef?: string) =>
  escalationRef ? `<bpmn:escalationEventDefinition escalationRef="${escalationRef}"/>` : '<bpmn:escalationEventDefinition/>';
export const messageEvent = (messageRef: string) => `<bpmn:messageEventDefinition messageRef="${messageRef}"/>`;
export const timerDuration = (duration: string) =>
  `<bpmn:timerEventDefinition><bpmn:timeDuration>${escape(duration)}</bpmn:timeDuration></bpmn:timerEventDefinition>`;
export const linkEvent = (name: string) => `<bpmn:linkEventDefinition name="${escape(name)}"/>`;

// --- flow nodes --------------------------------------------------------------------------

export const startEvent = (id = 'start', definition = '', options: ElementOptions = {}) => element('startEvent', id, definition, options);
export const endEvent = (id = 'end', definition = '', options: ElementOptions = {}) => element('endEvent', id, definition, options);
export const throwEvent = (id: string, definition = '', options: ElementOptions = {}) => element('intermediateThrowEvent', id, definition, options);
export const catchEvent = (id: string, definition: string, options: ElementOptions = {}) => element('intermediateCatchEvent', id, definition, options);
export const manualTask = (id: string, options: ElementOptions = {}) => element('manualTask', id, '', options);
export const parallelGateway = (id: string) => `<bpmn:parallelGateway id="${id}"/>`;
export const eventBasedGateway = (id: string, options: ElementOptions = {}) => element('eventBasedGateway', id, '', options);

export function serviceTask(id: string, type: string, options: ElementOptions = {}): string {
  return element('serviceTask', id, '', { ...options, extensions: `<zeebe:taskDefinition type="${escape(type)}"/>${options.extensions ?? ''}` });
}

/** A boundary event; `interrupting: false` writes `cancelActivity="false"`. */
export function boundaryEvent(id: string, attachedTo: string, definition: string, options: ElementOptions & { interrupting?: boolean } = {}): string {
  const cancel = options.interrupting === false ? ' cancelActivity="false"' : '';
  return element('boundaryEvent', id, definition, { ...options, attributes: `attachedToRef="${attachedTo}"${cancel} ${options.attributes ?? ''}` });
}

export function subProcess(id: string, body: string[], options: ElementOptions = {}): string {
  return element('subProcess', id, body.join('\n'), options);
}

/** An event subprocess; `interrupting: false` writes `isInterrupting="false"` on its start event. */
export function eventSubProcess(id: string, start: { id: string; definition: string; interrupting?: boolean }, body: string[], options: ElementOptions = {}): string {
  const interrupting = start.interrupting === false ? ' isInterrupting="false"' : '';
  const startXml = `<bpmn:startEvent id="${start.id}"${interrupting}>${start.definition}</bpmn:startEvent>`;
  return element('subProcess', id, [startXml, ...body].join('\n'), { ...options, attributes: `triggeredByEvent="true" ${options.attributes ?? ''}` });
}

export function callActivity(
  id: string,
  processId: string,
  options: ElementOptions & { propagateAllParentVariables?: boolean; propagateAllChildVariables?: boolean } = {},
): string {
  const flags = [
    options.propagateAllParentVariables === undefined ? '' : ` propagateAllParentVariables="${options.propagateAllParentVariables}"`,
    options.propagateAllChildVariables === undefined ? '' : ` propagateAllChildVariables="${options.propagateAllChildVariables}"`,
  ].join('');
  return element('callActivity', id, '', {
    ...options,
    extensions: `<zeebe:calledElement processId="${escape(processId)}"${flags}/>${options.extensions ?? ''}`,
  });
}

// --- extension content -------------------------------------------------------------------

export function ioMapping(mappings: { inputs?: [source: string, target: string][]; outputs?: [source: string, target: string][] }): string {
  const inputs = (mappings.inputs ?? []).map(([source, target]) => `<zeebe:input source="${escape(source)}" target="${target}"/>`);
  const outputs = (mappings.outputs ?? []).map(([source, target]) => `<zeebe:output source="${escape(source)}" target="${target}"/>`);
  return `<zeebe:ioMapping>${[...inputs, ...outputs].join('')}</zeebe:ioMapping>`;
}

export function executionListeners(...listeners: { eventType: 'start' | 'end'; type: string }[]): string {
  return `<zeebe:executionListeners>${listeners
    .map((l) => `<zeebe:executionListener eventType="${l.eventType}" type="${escape(l.type)}"/>`)
    .join('')}</zeebe:executionListeners>`;
}

/** `bpmn:multiInstanceLoopCharacteristics`, to pass as `children` of an activity. */
export function multiInstance(loop: {
  inputCollection: string;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: string;
  sequential?: boolean;
  completionCondition?: string;
}): string {
  const attributes = [
    `inputCollection="${escape(loop.inputCollection)}"`,
    loop.inputElement ? `inputElement="${loop.inputElement}"` : '',
    loop.outputCollection ? `outputCollection="${loop.outputCollection}"` : '',
    loop.outputElement ? `outputElement="${escape(loop.outputElement)}"` : '',
  ].join(' ');
  const condition = loop.completionCondition
    ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${escape(loop.completionCondition)}</bpmn:completionCondition>`
    : '';
  return `<bpmn:multiInstanceLoopCharacteristics${loop.sequential ? ' isSequential="true"' : ''}><bpmn:extensionElements><zeebe:loopCharacteristics ${attributes}/></bpmn:extensionElements>${condition}</bpmn:multiInstanceLoopCharacteristics>`;
}

// --- sequence flows ----------------------------------------------------------------------

/** One sequence flow, named `<source>-<target>` unless `id` is given. */
export const flow = (source: string, target: string, id = `${source}-${target}`) => `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}"/>`;

/** Sequence flows a → b → c → …, each named `<source>-<target>`. */
export function chain(...ids: string[]): string {
  const flows: string[] = [];
  for (let i = 0; i < ids.length - 1; i++) flows.push(flow(ids[i], ids[i + 1]));
  return flows.join('\n');
}

function element(kind: string, id: string, content: string, options: ElementOptions): string {
  const extensions = options.extensions ? `<bpmn:extensionElements>${options.extensions}</bpmn:extensionElements>` : '';
  const attributes = options.attributes?.trim() ? ` ${options.attributes.trim()}` : '';
  return `<bpmn:${kind} id="${id}"${attributes}>${extensions}${options.children ?? ''}${content}</bpmn:${kind}>`;
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
