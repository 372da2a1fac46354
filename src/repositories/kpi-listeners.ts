import { flowNodesOf, list } from './bpmn-diagram';
import type { ModdleElement } from './bpmn-moddle.repository';

export type ListenerEventType = 'start' | 'end';

/** The KPI listeners one element got at deploy: what the KPI worker can expect to hear about it. */
export interface KpiListenedElement {
  readonly elementId: string;
  /** bpmn-moddle type, e.g. `bpmn:ExclusiveGateway`. */
  readonly elementType: string;
  readonly eventTypes: ListenerEventType[];
  /**
   * For a catch event behind an event-based gateway: that gateway. A gateway can carry no end
   * listener, but an event-based one waits; it is left when one of its events starts.
   */
  readonly leaves?: string;
}

/**
 * Which KPI execution listeners a flow node can carry. Zeebe (≥ 8.6) refuses to deploy, and the
 * embedded engine likewise:
 * - start listeners on start events and on boundary events: they are triggered, not entered,
 *   so their "entered" is their end;
 * - end listeners on gateways: a gateway passes the token on as it activates, so its start is
 *   all there is;
 * - end listeners on error and escalation end events: they never complete, they throw;
 * - any listener on a compensation boundary event (Zeebe puts them on the handler instead).
 * Everything else (tasks, subprocesses, call activities, intermediate events, other end events)
 * gets both, so the KPI worker sees it entered and left.
 */
export function kpiListenerEventTypes(node: ModdleElement): ListenerEventType[] {
  const definitions = list(node.eventDefinitions).map((definition) => definition.$type);
  if (node.$type === 'bpmn:BoundaryEvent') {
    return definitions.includes('bpmn:CompensateEventDefinition') ? [] : ['end'];
  }
  if (node.$type === 'bpmn:StartEvent') return ['end'];
  if (node.$instanceOf('bpmn:Gateway')) return ['start'];
  if (
    node.$type === 'bpmn:EndEvent' &&
    definitions.some((type) => type === 'bpmn:ErrorEventDefinition' || type === 'bpmn:EscalationEventDefinition')
  ) {
    return ['start'];
  }
  return ['start', 'end'];
}

/**
 * Adds a KPI execution listener of `jobType` to every flow node of `process` (subprocesses
 * included), as {@link kpiListenerEventTypes} allows, keeping the listeners the analyst
 * modelled: the KPI start listener goes first and the KPI end listener last, so that the time
 * measured in an activity covers the analyst's own listeners too. An element that already has
 * a listener of that type and event keeps it (Zeebe refuses duplicates). The process itself
 * gets an end listener, last in the returned list: it tells the KPI worker that an instance
 * completed (its start is its start event's). Mutates the tree; `create` makes moddle elements.
 */
export function injectKpiListeners(
  process: ModdleElement,
  jobType: string,
  create: (type: string, attrs?: Record<string, unknown>) => ModdleElement,
): KpiListenedElement[] {
  const listened: KpiListenedElement[] = [];
  for (const node of flowNodesOf(process)) {
    const eventTypes = kpiListenerEventTypes(node);
    if (eventTypes.length === 0) continue;
    addListeners(node, eventTypes, jobType, create);
    const gateway = eventGatewayBefore(node);
    listened.push({ elementId: node.id ?? '', elementType: node.$type, eventTypes, ...(gateway ? { leaves: gateway } : {}) });
  }
  addListeners(process, ['end'], jobType, create);
  listened.push({ elementId: process.id ?? '', elementType: process.$type, eventTypes: ['end'] });
  return listened;
}

/**
 * The event-based gateway whose event `node` is, if any (such events have one incoming flow).
 * Found from the flows' targets: a diagram need not list a node's `incoming` flows.
 */
function eventGatewayBefore(node: ModdleElement): string | undefined {
  if (node.$type !== 'bpmn:IntermediateCatchEvent' && node.$type !== 'bpmn:ReceiveTask') return undefined;
  const siblings = list((node.$parent as ModdleElement | undefined)?.flowElements);
  const incoming = siblings.find((element) => element.$type === 'bpmn:SequenceFlow' && element.targetRef === node);
  const source = incoming?.sourceRef as ModdleElement | undefined;
  return source?.$type === 'bpmn:EventBasedGateway' ? source.id : undefined;
}

/** The KPI start listener first, the KPI end listener last, unless the element has them already. */
function addListeners(
  element: ModdleElement,
  eventTypes: readonly ListenerEventType[],
  jobType: string,
  create: (type: string, attrs?: Record<string, unknown>) => ModdleElement,
): void {
  const container = listenersOf(element, create);
  let listeners = list(container.listeners);
  const has = (eventType: ListenerEventType) =>
    listeners.some((listener) => (listener.eventType ?? 'start') === eventType && listener.type === jobType);
  const listener = (eventType: ListenerEventType) => {
    const created = create('zeebe:ExecutionListener', { eventType, type: jobType });
    created.$parent = container;
    return created;
  };
  if (eventTypes.includes('start') && !has('start')) listeners = [listener('start'), ...listeners];
  if (eventTypes.includes('end') && !has('end')) listeners = [...listeners, listener('end')];
  container.set('listeners', listeners);
}

/** The node's `zeebe:executionListeners`, created (with its `bpmn:extensionElements`) when missing. */
function listenersOf(node: ModdleElement, create: (type: string, attrs?: Record<string, unknown>) => ModdleElement): ModdleElement {
  let extensionElements = node.extensionElements as ModdleElement | undefined;
  if (!extensionElements) {
    extensionElements = create('bpmn:ExtensionElements', { values: [] });
    extensionElements.$parent = node;
    node.set('extensionElements', extensionElements);
  }
  const values = list(extensionElements.values);
  let container = values.find((value) => value.$type === 'zeebe:ExecutionListeners');
  if (!container) {
    container = create('zeebe:ExecutionListeners', { listeners: [] });
    container.$parent = extensionElements;
    extensionElements.set('values', [...values, container]);
  }
  return container;
}
