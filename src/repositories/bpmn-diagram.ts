import type { ModdleElement, ModdlePropertyDescriptor } from './bpmn-moddle.repository';

/**
 * Pure reading of a bpmn-moddle tree: the processes of a document, their flow elements, what
 * changed between two of them and which messages they wait for. No I/O.
 */

/** An element of a process (flow node, data object…) or the process itself, as the diff sees it. */
export interface DiagramElementSummary {
  readonly id: string;
  /** bpmn-moddle type, e.g. `bpmn:ServiceTask`. */
  readonly type: string;
  readonly name?: string;
  /** Canonical JSON of each semantic aspect (`name`, `zeebe:TaskDefinition`, `eventDefinitions`…). */
  readonly aspects: Readonly<Record<string, string>>;
}

export interface DiagramFlowSummary {
  readonly id: string;
  readonly sourceRef: string | null;
  readonly targetRef: string | null;
  readonly name?: string;
  readonly aspects: Readonly<Record<string, string>>;
}

/** What a diff compares: the semantics of one process, without layout (DI) or formatting. */
export interface DiagramSummary {
  readonly elements: readonly DiagramElementSummary[];
  readonly flows: readonly DiagramFlowSummary[];
}

/** The messages a process can wait for, by static name. */
export interface CatchableMessages {
  /** Every name: message start events, intermediate catch and boundary events, receive tasks, event subprocess starts. */
  readonly all: string[];
  /** Names of the process's own message start events: a publish starts an instance. */
  readonly start: string[];
  /** Names a running instance waits for (every catch element but the process's start events). */
  readonly waiting: string[];
  /** Elements whose message name is a FEEL expression, unknown until an instance runs. */
  readonly dynamicElementIds: string[];
}

export function processesOf(definitions: ModdleElement): ModdleElement[] {
  return list(definitions.rootElements).filter((element) => element.$type === 'bpmn:Process');
}

/** Every flow element of `container` and of the subprocesses inside it, parents first. */
export function flowElementsOf(container: ModdleElement): ModdleElement[] {
  return list(container.flowElements).flatMap((element) =>
    element.$instanceOf('bpmn:SubProcess') ? [element, ...flowElementsOf(element)] : [element],
  );
}

/** Flow nodes only: activities, events, gateways (not sequence flows, not data objects). */
export function flowNodesOf(container: ModdleElement): ModdleElement[] {
  return flowElementsOf(container).filter((element) => element.$instanceOf('bpmn:FlowNode'));
}

/**
 * Sets `incoming`/`outgoing` of every flow node from the sequence flows, as a modeller writes
 * them. Zeebe derives them from the flows and does not need them in the XML; bpmnlint's rules
 * read them, so a diagram written by hand would otherwise look disconnected.
 */
export function fillFlowNodeReferences(process: ModdleElement): void {
  for (const flow of flowElementsOf(process).filter((element) => element.$type === 'bpmn:SequenceFlow')) {
    const source = flow.sourceRef as ModdleElement | undefined;
    const target = flow.targetRef as ModdleElement | undefined;
    if (source && !list(source.outgoing).includes(flow)) source.set('outgoing', [...list(source.outgoing), flow]);
    if (target && !list(target.incoming).includes(flow)) target.set('incoming', [...list(target.incoming), flow]);
  }
}

export function summarizeProcess(process: ModdleElement): DiagramSummary {
  const elements: DiagramElementSummary[] = [summarizeElement(process, undefined)];
  const flows: DiagramFlowSummary[] = [];
  for (const element of flowElementsOf(process)) {
    if (element.$type === 'bpmn:SequenceFlow') {
      flows.push({
        id: element.id ?? '',
        sourceRef: (element.sourceRef as ModdleElement | undefined)?.id ?? null,
        targetRef: (element.targetRef as ModdleElement | undefined)?.id ?? null,
        ...(element.name ? { name: element.name } : {}),
        aspects: aspectsOf(element),
      });
    } else {
      elements.push(summarizeElement(element, element.$parent?.id));
    }
  }
  return { elements, flows };
}

export function catchableMessagesOf(process: ModdleElement): CatchableMessages {
  const all = new Set<string>();
  const start = new Set<string>();
  const waiting = new Set<string>();
  const dynamicElementIds: string[] = [];
  for (const node of flowNodesOf(process)) {
    const message = messageOf(node);
    if (!message) continue;
    const name = staticMessageName(message.name);
    if (name === undefined) {
      dynamicElementIds.push(node.id ?? '');
      continue;
    }
    all.add(name);
    if (node.$type === 'bpmn:StartEvent' && node.$parent === process) start.add(name);
    else waiting.add(name);
  }
  return { all: [...all].sort(), start: [...start].sort(), waiting: [...waiting].sort(), dynamicElementIds };
}

/** The bpmn:Message an element waits for, if it is a message catch element. */
function messageOf(node: ModdleElement): ModdleElement | undefined {
  if (node.$type === 'bpmn:ReceiveTask') return node.messageRef as ModdleElement | undefined;
  if (!['bpmn:StartEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent'].includes(node.$type)) return undefined;
  const definition = list(node.eventDefinitions).find((d) => d.$type === 'bpmn:MessageEventDefinition');
  return definition?.messageRef as ModdleElement | undefined;
}

/** `signup` and `="signup"` name the message statically; any other expression does not. */
function staticMessageName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  if (!name.startsWith('=')) return name;
  return /^=\s*"([^"\\]*)"\s*$/.exec(name)?.[1];
}

function summarizeElement(element: ModdleElement, parentId: string | undefined): DiagramElementSummary {
  const aspects = aspectsOf(element);
  return {
    id: element.id ?? '',
    type: element.$type,
    ...(element.name ? { name: element.name } : {}),
    aspects: parentId === undefined ? aspects : { ...aspects, parent: JSON.stringify(parentId) },
  };
}

// Structure that the diff reports elsewhere (flows, children) or that carries no behaviour.
const STRUCTURAL = new Set(['id', 'flowElements', 'incoming', 'outgoing', 'artifacts', 'laneSets', 'lanes', 'boundaryEventRefs', 'categoryValueRef']);

/** Canonical JSON per property; extension elements are split by type, so a diff can say which one changed. */
function aspectsOf(element: ModdleElement): Record<string, string> {
  const aspects: Record<string, string> = {};
  for (const property of element.$descriptor.properties) {
    if (STRUCTURAL.has(property.name)) continue;
    const value = element.get(property.ns.name);
    if (property.name === 'extensionElements') {
      const byType = new Map<string, unknown[]>();
      for (const extension of list((value as ModdleElement | undefined)?.values)) {
        byType.set(extension.$type, [...(byType.get(extension.$type) ?? []), canonical(extension, property)]);
      }
      for (const [type, values] of byType) aspects[type] = JSON.stringify(values);
      continue;
    }
    const canonicalValue = canonical(value, property);
    if (canonicalValue !== undefined) aspects[property.name] = JSON.stringify(canonicalValue);
  }
  for (const [name, value] of Object.entries(element.$attrs ?? {})) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) aspects[name] = JSON.stringify(value);
  }
  return aspects;
}

function canonical(value: unknown, property: ModdlePropertyDescriptor | undefined): unknown {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const values = value.map((item) => canonical(item, property)).filter((item) => item !== undefined);
    return values.length > 0 ? values : undefined;
  }
  if (!isModdleElement(value)) return value;
  // A reference inside the process is its id; one to a root element (message, error, signal) is
  // what that element says, so renaming the message shows as a change of the catching element.
  if (property?.isReference && value.$parent?.$type !== 'bpmn:Definitions') return value.id;
  const result: Record<string, unknown> = { $type: value.$type };
  for (const nested of value.$descriptor.properties) {
    if (nested.name === 'id' || STRUCTURAL.has(nested.name)) continue;
    const nestedValue = canonical(value.get(nested.ns.name), nested);
    if (nestedValue !== undefined) result[nested.name] = nestedValue;
  }
  for (const [name, attr] of Object.entries(value.$attrs ?? {})) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) result[name] = attr;
  }
  return result;
}

function isModdleElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

export function list(value: unknown): ModdleElement[] {
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}
