import { formatDuration, formatTime, h } from '../../ui/dom';
import { elementTypeText, messagesCaughtAt } from './instance-timeline';
import { facts, jsonValue, stateBadge, variablesTable } from './parts';
import type { CorrelatedMessage, InstanceTimeline, TimelineJob, TimelineStep, Touchpoint } from './types';

/** One step of an instance: its times, jobs, touchpoint, messages, incidents and the variables it saw. */
export function stepDetails(timeline: InstanceTimeline, step: TimelineStep, name: string): HTMLElement {
  const key = step.elementInstanceKey;
  const jobs = timeline.jobs.filter((job) => job.elementInstanceKey === key);
  const touchpoints = timeline.touchpoints.filter((touchpoint) => touchpoint.elementInstanceKey === key && !jobs.some((job) => job.jobKey === touchpoint.jobKey));
  const messages = messagesCaughtAt(timeline, step);
  const incidents = timeline.incidents.filter((incident) => incident.elementInstanceKey === key);
  const local = timeline.variableChanges.filter((change) => change.scopeKey === key);
  return h(
    'section',
    { class: 'card step-details', id: 'step-details', dataset: { elementInstanceKey: key, elementId: step.elementId } },
    h('h3', {}, name, ' ', stateBadge(step.state)),
    facts([
      ['Element', h('span', {}, elementTypeText(step.elementType), ' ', h('code', {}, step.elementId))],
      ['Element instance', h('code', {}, key)],
      ['Entered', formatTime(step.enteredAt)],
      ['Left', formatTime(step.leftAt)],
      ['Took', formatDuration(step.durationMs)],
    ]),
    incidents.map((incident) =>
      h(
        'div',
        { class: `incident-note ${incident.resolvedAt ? 'resolved' : 'open'}` },
        h('strong', {}, incident.errorType), ': ', incident.errorMessage,
        h('div', { class: 'muted small' }, `raised ${formatTime(incident.createdAt)}`, incident.resolvedAt ? `, resolved ${formatTime(incident.resolvedAt)}` : ', open'),
      ),
    ),
    jobs.map(jobBlock),
    touchpoints.map(touchpointBlock),
    messages.map(messageBlock),
    h('h4', {}, 'Variables on entry'),
    h('div', { class: 'vars-on-entry' }, variablesTable(step.variablesOnEntry)),
    h('h4', {}, 'Variables on exit'),
    h('div', { class: 'vars-on-exit' }, step.variablesOnExit ? variablesTable(step.variablesOnExit, step.variablesOnEntry) : h('p', { class: 'muted' }, 'Not left yet.')),
    local.length > 0 ? [h('h4', {}, 'Local variable changes'), changeList(local)] : null,
  );
}

function jobBlock(job: TimelineJob): HTMLElement {
  return h(
    'div',
    { class: 'job-block', dataset: { jobKey: job.jobKey } },
    h('h4', {}, job.kind === 'EXECUTION_LISTENER' ? 'Listener job ' : 'Job ', h('code', {}, job.type), ' ', stateBadge(job.state)),
    facts([
      ['Job key', h('code', {}, job.jobKey)],
      ['Worker', job.worker ?? '—'],
      ['Retries left', String(job.retries)],
      ['Created', formatTime(job.createdAt)],
      ['Ended', formatTime(job.endedAt)],
      ['Headers', Object.keys(job.customHeaders).length > 0 ? jsonValue(job.customHeaders) : null],
    ]),
    errorList(job.errors),
  );
}

/** Touchpoints known only from the KPI listeners (no job of theirs in the timeline). */
function touchpointBlock(touchpoint: Touchpoint): HTMLElement {
  return h(
    'div',
    { class: 'touchpoint-block' },
    h('h4', {}, `${touchpoint.channel} touchpoint `, stateBadge(touchpoint.state)),
    facts([
      ['Job type', h('code', {}, touchpoint.jobType)],
      ['Started', formatTime(touchpoint.startedAt)],
      ['Ended', formatTime(touchpoint.endedAt)],
    ]),
    errorList(touchpoint.errors),
  );
}

function messageBlock(message: CorrelatedMessage): HTMLElement {
  return h(
    'div',
    { class: 'message-block' },
    h('h4', {}, 'Message ', h('code', {}, message.messageName)),
    facts([
      ['Correlated', formatTime(message.at)],
      ['Correlation key', message.correlationKey ?? '—'],
      ['Caught by', h('code', {}, message.elementId)],
    ]),
    message.variables ? variablesTable(message.variables) : null,
  );
}

function errorList(errors: TimelineJob['errors']): HTMLElement | null {
  if (errors.length === 0) return null;
  return h(
    'ul',
    { class: 'job-errors' },
    errors.map((error) => h('li', {}, formatTime(error.at), ': ', error.code ? h('code', {}, error.code) : 'failed', ` — ${error.message} (${error.retriesLeft} retries left)`)),
  );
}

function changeList(changes: InstanceTimeline['variableChanges']): HTMLElement {
  return h('ul', { class: 'changes' }, changes.map((change) => h('li', {}, formatTime(change.at), ' ', h('code', {}, change.name), ' = ', jsonValue(change.value))));
}
