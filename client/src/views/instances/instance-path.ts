import type { DiagramViewer } from '../../ui/diagram-viewer';
import { h } from '../../ui/dom';
import type { InstanceTimeline, TimelineStep } from './types';

export type PathMarker = 'path-completed' | 'path-active' | 'path-incident' | 'path-terminated';

/** What the instance went through, as markers for its diagram. */
export interface InstancePath {
  /** Per element: the marker of its most telling step (an open incident, then active, completed, terminated). */
  readonly elements: Map<string, PathMarker>;
  /** Sequence flows taken. */
  readonly flows: string[];
  /** Per element, how many times it was entered. */
  readonly visits: Map<string, number>;
}

export interface SequenceFlow {
  readonly id: string;
  readonly sourceId: string;
  readonly targetId: string;
}

const BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const PRIORITY: PathMarker[] = ['path-incident', 'path-active', 'path-completed', 'path-terminated'];

/** The sequence flows of a BPMN document, with their ends. */
export function sequenceFlows(xml: string): SequenceFlow[] {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  return [...document.getElementsByTagNameNS(BPMN_NS, 'sequenceFlow')].map((flow) => ({
    id: flow.getAttribute('id') ?? '',
    sourceId: flow.getAttribute('sourceRef') ?? '',
    targetId: flow.getAttribute('targetRef') ?? '',
  }));
}

/**
 * The path of an instance. The flows taken are the timeline's when it has them (the embedded
 * engine records each one); otherwise (a real Zeebe) a flow counts as taken when its target was
 * entered, in the same scope, once its source had completed.
 */
export function instancePath(timeline: InstanceTimeline, flows: readonly SequenceFlow[]): InstancePath {
  const openIncidents = new Set(timeline.incidents.filter((incident) => incident.resolvedAt === null).map((incident) => incident.elementInstanceKey));
  const elements = new Map<string, PathMarker>();
  const visits = new Map<string, number>();
  const stepsOf = new Map<string, TimelineStep[]>();
  for (const step of timeline.steps) {
    const marker: PathMarker = openIncidents.has(step.elementInstanceKey) ? 'path-incident' : `path-${step.state}`;
    const current = elements.get(step.elementId);
    if (!current || PRIORITY.indexOf(marker) < PRIORITY.indexOf(current)) elements.set(step.elementId, marker);
    visits.set(step.elementId, (visits.get(step.elementId) ?? 0) + 1);
    stepsOf.set(step.elementId, [...(stepsOf.get(step.elementId) ?? []), step]);
  }
  if (timeline.sequenceFlows) {
    const recorded = new Set(timeline.sequenceFlows.map((flow) => flow.flowId));
    return { elements, flows: flows.filter((flow) => recorded.has(flow.id)).map((flow) => flow.id), visits };
  }
  const taken = flows.filter((flow) => {
    const sources = (stepsOf.get(flow.sourceId) ?? []).filter((step) => step.state === 'completed' && step.leftAt !== null);
    return (stepsOf.get(flow.targetId) ?? []).some((target) => sources.some((source) => sameScope(source, target) && source.leftAt! <= target.enteredAt));
  });
  return { elements, flows: taken.map((flow) => flow.id), visits };
}

/** Puts an instance's path on a diagram, and takes the previous one off first. */
export class PathPainter {
  private applied: [string, string][] = [];
  private selected: string | null = null;

  constructor(private readonly viewer: DiagramViewer) {}

  paint(path: InstancePath): void {
    for (const [id, marker] of this.applied) this.viewer.unmark(id, marker);
    this.applied = [];
    this.viewer.clearOverlays('visits');
    for (const [id, marker] of path.elements) this.apply(id, marker);
    for (const id of path.flows) this.apply(id, 'path-taken');
    for (const [id, count] of path.visits) {
      if (count > 1) this.viewer.overlay(id, 'visits', h('span', { class: 'visits-badge', title: `entered ${count} times` }, `×${count}`));
    }
  }

  /** Highlights the element of the step shown in the details. */
  select(elementId: string | null): void {
    if (this.selected) this.viewer.unmark(this.selected, 'path-selected');
    this.selected = elementId;
    if (elementId) this.viewer.mark(elementId, 'path-selected');
  }

  private apply(id: string, marker: string): void {
    this.viewer.mark(id, marker);
    this.applied.push([id, marker]);
  }
}

function sameScope(a: TimelineStep, b: TimelineStep): boolean {
  return a.flowScopeKey === null || b.flowScopeKey === null || a.flowScopeKey === b.flowScopeKey;
}
