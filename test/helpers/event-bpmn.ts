import type { ProcessBuilder } from './bpmn';

/**
 * BPMN snippets for message, timer and signal events, to be put into a ProcessBuilder with
 * `raw()`; `eventDocument()` wraps one or more processes together with the `bpmn:message` and
 * `bpmn:signal` root elements they reference.
 */
export type TimerSpec = { duration: string } | { date: string } | { cycle: string };

/** A `bpmn:message`; with a correlation key (a FEEL expression) for catching elements. */
export function message(id: string, name: string, correlationKey?: string): string {
  const subscription =
    correlationKey === undefined
      ? ''
      : `<bpmn:extensionElements><zeebe:subscription correlationKey="${attr(correlationKey)}"/></bpmn:extensionElements>`;
  return `<bpmn:message id="${id}" name="${attr(name)}">${subscription}</bpmn:message>`;
}

export function signal(id: string, name: string): string {
  return `<bpmn:signal id="${id}" name="${attr(name)}"/>`;
}

export function messageDefinition(messageRef: string): string {
  return `<bpmn:messageEventDefinition messageRef="${messageRef}"/>`;
}

export function signalDefinition(signalRef: string): string {
  return `<bpmn:signalEventDefinition signalRef="${signalRef}"/>`;
}

export function timerDefinition(spec: TimerSpec): string {
  const [tag, value] =
    'duration' in spec ? ['timeDuration', spec.duration] : 'date' in spec ? ['timeDate', spec.date] : ['timeCycle', spec.cycle];
  return `<bpmn:timerEventDefinition><bpmn:${tag} xsi:type="bpmn:tFormalExpression">${text(value)}</bpmn:${tag}></bpmn:timerEventDefinition>`;
}

/** A start event; `interrupting` only matters for event subprocess starts. */
export function startEvent(id: string, definition = '', interrupting = true): string {
  return `<bpmn:startEvent id="${id}"${interrupting ? '' : ' isInterrupting="false"'}>${definition}</bpmn:startEvent>`;
}

export function catchEvent(id: string, definition: string): string {
  return `<bpmn:intermediateCatchEvent id="${id}">${definition}</bpmn:intermediateCatchEvent>`;
}

export function throwEvent(id: string, definition: string): string {
  return `<bpmn:intermediateThrowEvent id="${id}">${definition}</bpmn:intermediateThrowEvent>`;
}

/** What a message throw event runs as: a job of `type` (retries, task headers), like a send task. */
export interface MessageJobOptions {
  headers?: Record<string, string>;
  retries?: string;
  /** A `bpmn:message` to reference; Zeebe does not need one for throw events. */
  messageRef?: string;
}

/** An intermediate message throw event, run as a job. */
export function messageThrowEvent(id: string, type: string, options: MessageJobOptions = {}): string {
  return `<bpmn:intermediateThrowEvent id="${id}">${jobWorker(type, options)}${messageThrowDefinition(options)}</bpmn:intermediateThrowEvent>`;
}

/** A message end event, run as a job. */
export function messageEndEvent(id: string, type: string, options: MessageJobOptions = {}): string {
  return `<bpmn:endEvent id="${id}">${jobWorker(type, options)}${messageThrowDefinition(options)}</bpmn:endEvent>`;
}

export function boundaryEvent(id: string, attachedTo: string, definition: string, interrupting = true): string {
  return `<bpmn:boundaryEvent id="${id}" attachedToRef="${attachedTo}"${interrupting ? '' : ' cancelActivity="false"'}>${definition}</bpmn:boundaryEvent>`;
}

export function receiveTask(id: string, messageRef: string): string {
  return `<bpmn:receiveTask id="${id}" messageRef="${messageRef}"/>`;
}

export function eventBasedGateway(id: string): string {
  return `<bpmn:eventBasedGateway id="${id}"/>`;
}

/** An event subprocess: `inner` builds its start event, elements and flows. */
export function eventSubprocess(id: string, inner: string): string {
  return `<bpmn:subProcess id="${id}" triggeredByEvent="true">${inner}</bpmn:subProcess>`;
}

/** The BPMN document of `processes` (builders) with the given message and signal root elements. */
export function eventDocument(processes: ProcessBuilder | ProcessBuilder[], ...rootElements: string[]): string {
  const list = Array.isArray(processes) ? processes : [processes];
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="definitions_${list[0].id}" targetNamespace="http://bpmn.io/schema/bpmn">
${rootElements.join('\n')}
${list.map((p) => `  <bpmn:process id="${p.id}" isExecutable="true">\n${p.body()}\n  </bpmn:process>`).join('\n')}
</bpmn:definitions>`;
}

function jobWorker(type: string, options: MessageJobOptions): string {
  const retries = options.retries === undefined ? '' : ` retries="${attr(options.retries)}"`;
  const headers = Object.entries(options.headers ?? {})
    .map(([key, value]) => `<zeebe:header key="${attr(key)}" value="${attr(value)}"/>`)
    .join('');
  return `<bpmn:extensionElements><zeebe:taskDefinition type="${attr(type)}"${retries}/>${headers ? `<zeebe:taskHeaders>${headers}</zeebe:taskHeaders>` : ''}</bpmn:extensionElements>`;
}

function messageThrowDefinition(options: MessageJobOptions): string {
  return options.messageRef ? messageDefinition(options.messageRef) : '<bpmn:messageEventDefinition/>';
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;');
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
