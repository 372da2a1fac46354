import { get } from '../../api/api-client';
import type { JourneyVersion } from '../../api/types';
import type { View } from '../../router';
import { session } from '../../session';
import { DiagramViewer } from '../../ui/diagram-viewer';
import { formatDuration, formatTime, h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import { incidentsPanel } from './instance-incidents';
import { instancePath, PathPainter, type SequenceFlow, sequenceFlows } from './instance-path';
import { timelineTable } from './instance-timeline';
import { customerLink, facts, jsonValue, stateBadge } from './parts';
import { stepDetails } from './step-details';
import type { InstanceTimeline, TimelineStep } from './types';

/**
 * The instance explorer: the diagram of the instance's journey version with the path it took,
 * its timeline, the variables at the selected step, and its incidents with Retry / Cancel.
 */
export class InstanceView implements View {
  private viewer?: DiagramViewer;
  private painter?: PathPainter;
  private flows: SequenceFlow[] = [];
  private timeline?: InstanceTimeline;
  private selectedKey: string | null = null;
  private unmounted = false;
  private readonly header = h('header', { class: 'page-header' });
  private readonly message = h('div', { class: 'load-message' });
  private readonly summary = h('section', { class: 'card instance-summary' }, h('p', { class: 'muted' }, 'Loading…'));
  private readonly incidents = h('div', { id: 'instance-incidents' });
  private readonly diagramBox = h('div', { class: 'diagram-box' });
  private readonly timelineBox = h('div', { class: 'timeline-box' });
  private readonly detailsBox = h('div', { class: 'details-box' });
  private readonly changesBox = h('div', { class: 'changes-box' });

  constructor(private readonly key: string) {}

  async mount(container: HTMLElement): Promise<void> {
    replace(this.header, h('h1', {}, 'Instance ', h('code', {}, this.key)));
    if (!session.can('owner')) {
      container.append(this.header, h('p', { class: 'muted', id: 'needs-owner' }, 'Instance histories are for process owners: sign in with an owner key to explore them.'));
      return;
    }
    container.append(
      this.header,
      this.message,
      this.summary,
      this.incidents,
      this.diagramBox,
      h('div', { class: 'instance-columns' }, this.timelineBox, this.detailsBox),
      this.changesBox,
    );
    if (await this.load()) await this.showDiagram();
  }

  unmount(): void {
    this.unmounted = true;
    this.viewer?.destroy();
  }

  /** Reads the timeline again and redraws everything but the diagram itself. */
  private async load(): Promise<boolean> {
    try {
      this.timeline = await get<InstanceTimeline>(`/instances/${this.key}/timeline`);
    } catch (error) {
      replace(this.message, errorBox(error));
      this.summary.remove();
      return false;
    }
    replace(this.message);
    this.render(this.timeline);
    return true;
  }

  private render(timeline: InstanceTimeline): void {
    const journey = timeline.journey;
    replace(
      this.header,
      h(
        'h1',
        {},
        h('a', { href: '#/journeys', class: 'crumb' }, 'Journeys'),
        ' / ',
        journey ? [h('a', { href: `#/journeys/${journey.id}/instances`, class: 'crumb' }, journey.name), ' / '] : null,
        'Instance ',
        h('code', {}, timeline.processInstanceKey),
        ' ',
        stateBadge(timeline.state),
      ),
      h('button', { type: 'button', id: 'refresh', onClick: () => void this.refresh() }, 'Refresh'),
    );
    replace(this.summary, summaryFacts(timeline), notices(timeline));
    replace(this.incidents, incidentsPanel(timeline, () => this.refresh()));
    replace(this.timelineBox, h('h2', {}, 'Timeline'), timeline.steps.length === 0 ? h('p', { class: 'muted' }, 'No step yet.') : timelineTable(timeline, (id) => this.nameOf(id), (step) => this.select(step)));
    replace(this.changesBox, changesSection(timeline));
    const step = timeline.steps.find((candidate) => candidate.elementInstanceKey === this.selectedKey) ?? defaultStep(timeline);
    if (step) this.select(step);
    else replace(this.detailsBox);
    this.painter?.paint(instancePath(timeline, this.flows));
  }

  private async refresh(): Promise<void> {
    await this.load();
  }

  private async showDiagram(): Promise<void> {
    const journey = this.timeline?.journey;
    if (!journey) {
      replace(this.diagramBox, h('p', { class: 'muted' }, `No journey deploy made process ${this.timeline?.bpmnProcessId}: there is no diagram to show.`));
      return;
    }
    try {
      const version = await get<JourneyVersion>(`/journeys/${journey.id}/versions/${journey.version}`);
      if (this.unmounted) return;
      const xml = version.deployedXml ?? version.bpmnXml;
      this.viewer = new DiagramViewer();
      replace(this.diagramBox, this.viewer.element, legend());
      await this.viewer.show(xml);
      this.viewer.element.addEventListener('click', (event) => this.clickedDiagram(event));
      this.flows = sequenceFlows(xml);
      this.painter = new PathPainter(this.viewer);
      if (this.timeline) this.render(this.timeline);
    } catch (error) {
      replace(this.diagramBox, errorBox(error));
    }
  }

  private select(step: TimelineStep): void {
    if (!this.timeline) return;
    this.selectedKey = step.elementInstanceKey;
    for (const row of this.timelineBox.querySelectorAll<HTMLElement>('tr.step')) row.classList.toggle('selected', row.dataset.elementInstanceKey === step.elementInstanceKey);
    replace(this.detailsBox, stepDetails(this.timeline, step, step.elementName ?? this.nameOf(step.elementId)));
    this.painter?.select(step.elementId);
  }

  /** A click on an element of the diagram selects its latest step. */
  private clickedDiagram(event: Event): void {
    const elementId = (event.target as Element | null)?.closest('[data-element-id]')?.getAttribute('data-element-id');
    const step = this.timeline?.steps.filter((candidate) => candidate.elementId === elementId).at(-1);
    if (step) this.select(step);
  }

  private nameOf(elementId: string): string {
    return this.viewer?.nameOf(elementId) ?? elementId;
  }
}

/** The step to show first: one with an open incident, else the latest active one, else the last. */
function defaultStep(timeline: InstanceTimeline): TimelineStep | undefined {
  const open = new Set(timeline.incidents.filter((incident) => !incident.resolvedAt).map((incident) => incident.elementInstanceKey));
  return timeline.steps.find((step) => open.has(step.elementInstanceKey)) ?? timeline.steps.filter((step) => step.state === 'active').at(-1) ?? timeline.steps.at(-1);
}

function summaryFacts(timeline: InstanceTimeline): HTMLElement {
  const journey = timeline.journey;
  const took = timeline.endedAt ? new Date(timeline.endedAt).getTime() - new Date(timeline.startedAt).getTime() : null;
  return facts([
    ['Journey', journey ? h('a', { href: `#/journeys/${journey.id}/model?version=${journey.version}` }, `${journey.name} v${journey.version}`) : h('code', {}, timeline.bpmnProcessId)],
    ['Customer', customerLink(timeline.customerId)],
    ['Started', formatTime(timeline.startedAt)],
    ['Ended', timeline.endedAt ? `${formatTime(timeline.endedAt)} (took ${formatDuration(took)})` : '—'],
    ['Process definition', h('span', {}, h('code', {}, timeline.processDefinitionKey), ` (engine version ${timeline.processDefinitionVersion})`)],
    ['Source', timeline.source === 'engine-records' ? "the engine's records" : 'the KPI listeners (a real Zeebe)'],
  ]);
}

function notices(timeline: InstanceTimeline): HTMLElement[] {
  const result: HTMLElement[] = [];
  if (timeline.truncated) result.push(h('p', { class: 'warn' }, 'This instance has more records than a timeline reads: the latest steps are missing.'));
  if (timeline.gaps.length > 0) result.push(h('div', { class: 'warn gaps' }, 'What this source cannot tell:', h('ul', {}, timeline.gaps.map((gap) => h('li', {}, gap)))));
  return result;
}

function legend(): HTMLElement {
  const item = (marker: string, text: string) => h('span', { class: `legend-item ${marker}` }, h('span', { class: 'swatch' }), text);
  return h('div', { class: 'path-legend' }, item('path-completed', 'completed'), item('path-active', 'active'), item('path-incident', 'open incident'), item('path-terminated', 'terminated'), item('path-taken', 'flow taken'));
}

function changesSection(timeline: InstanceTimeline): HTMLElement | null {
  if (timeline.variableChanges.length === 0) return null;
  return h(
    'details',
    { class: 'card variable-changes' },
    h('summary', {}, `All variable changes (${timeline.variableChanges.length})`),
    h(
      'table',
      { class: 'list' },
      h('thead', {}, h('tr', {}, h('th', {}, 'At'), h('th', {}, 'Variable'), h('th', {}, 'Value'), h('th', {}, 'Scope'))),
      h(
        'tbody',
        {},
        timeline.variableChanges.map((change) =>
          h('tr', {}, h('td', {}, formatTime(change.at)), h('td', {}, h('code', {}, change.name)), h('td', {}, jsonValue(change.value)), h('td', {}, h('code', {}, change.scopeElementId ?? change.scopeKey))),
        ),
      ),
    ),
  );
}
