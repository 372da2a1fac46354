import { formatDuration, h } from '../../ui/dom';
import { preciseTime, stateBadge } from './parts';
import type { CorrelatedMessage, InstanceTimeline, TimelineStep } from './types';

/**
 * The steps of an instance in the order they were entered, each with what happened there (the
 * touchpoint sent, the job's retries and errors, the message caught, an incident). Clicking a
 * row selects its step.
 */
export function timelineTable(timeline: InstanceTimeline, nameOf: (elementId: string) => string, onSelect: (step: TimelineStep) => void): HTMLElement {
  return h(
    'table',
    { class: 'list timeline', id: 'timeline' },
    h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Step'), h('th', {}, 'Entered'), h('th', {}, 'Left'), h('th', {}, 'Took'), h('th', {}, 'State'), h('th', {}, 'What happened'))),
    h(
      'tbody',
      {},
      timeline.steps.map((step, index) =>
        h(
          'tr',
          {
            class: 'step',
            tabIndex: 0,
            dataset: { elementId: step.elementId, elementInstanceKey: step.elementInstanceKey, state: step.state },
            onClick: () => onSelect(step),
            onKeydown: (event: KeyboardEvent) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onSelect(step);
              }
            },
          },
          h('td', { class: 'muted' }, index + 1),
          h('td', {}, h('strong', {}, step.elementName ?? nameOf(step.elementId)), h('div', { class: 'muted small' }, elementTypeText(step.elementType), ' · ', h('code', {}, step.elementId))),
          h('td', {}, preciseTime(step.enteredAt, timeline.startedAt)),
          h('td', {}, preciseTime(step.leftAt, timeline.startedAt)),
          h('td', {}, formatDuration(step.durationMs)),
          h('td', {}, stateBadge(step.state)),
          h('td', { class: 'notes' }, notes(timeline, step)),
        ),
      ),
    ),
  );
}

/**
 * The messages the step caught. A message names the element that caught it, and the element
 * instance that waited for it — for an event-based gateway or a boundary event, the gateway or
 * the task, not the event: the catching step is the event's, entered once the message came.
 */
export function messagesCaughtAt(timeline: InstanceTimeline, step: TimelineStep): CorrelatedMessage[] {
  return timeline.messages.filter((message) => catcherOf(timeline, message) === step);
}

function catcherOf(timeline: InstanceTimeline, message: CorrelatedMessage): TimelineStep | undefined {
  const steps = timeline.steps.filter((step) => step.elementId === message.elementId);
  return (
    steps.find((step) => step.elementInstanceKey === message.elementInstanceKey) ??
    steps.find((step) => step.enteredAt >= message.at) ??
    timeline.steps.find((step) => step.elementInstanceKey === message.elementInstanceKey)
  );
}

/** SERVICE_TASK → "service task". */
export function elementTypeText(type: string): string {
  return type.toLowerCase().replace(/_/g, ' ');
}

function notes(timeline: InstanceTimeline, step: TimelineStep): Node[] {
  const key = step.elementInstanceKey;
  const result: Node[] = [];
  for (const touchpoint of timeline.touchpoints.filter((t) => t.elementInstanceKey === key)) {
    const template = touchpoint.headers.template;
    result.push(h('div', { class: 'note touchpoint' }, `${touchpoint.channel} touchpoint${template ? ` "${template}"` : ''}: ${touchpoint.state}`));
  }
  for (const job of timeline.jobs.filter((j) => j.elementInstanceKey === key && !j.type.startsWith('touchpoint.'))) {
    result.push(h('div', { class: 'note job' }, `job ${job.type}: ${job.state}`));
  }
  const errors = timeline.jobs.filter((j) => j.elementInstanceKey === key).reduce((sum, job) => sum + job.errors.length, 0);
  if (errors > 0) result.push(h('div', { class: 'note job-errors error' }, `${errors} job ${errors === 1 ? 'failure' : 'failures'}`));
  for (const message of messagesCaughtAt(timeline, step)) {
    result.push(h('div', { class: 'note message' }, `caught ${message.messageName} at `, preciseTime(message.at, timeline.startedAt)));
  }
  for (const incident of timeline.incidents.filter((i) => i.elementInstanceKey === key)) {
    result.push(
      h('div', { class: `note incident ${incident.resolvedAt ? 'resolved' : 'open'}` }, `${incident.resolvedAt ? 'resolved incident' : 'incident'} ${incident.errorType}: ${incident.errorMessage}`),
    );
  }
  return result;
}
