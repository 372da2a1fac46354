import { formatTime, h } from '../../ui/dom';
import { incidentActions } from './incident-actions';
import type { InstanceTimeline, TimelineIncident } from './types';

/** The instance's incidents: the open ones with Retry / Cancel instance, the resolved ones below. */
export function incidentsPanel(timeline: InstanceTimeline, refresh: () => Promise<void>): HTMLElement | null {
  if (timeline.incidents.length === 0) return null;
  const open = timeline.incidents.filter((incident) => incident.resolvedAt === null);
  const resolved = timeline.incidents.filter((incident) => incident.resolvedAt !== null);
  return h(
    'section',
    { class: `card incidents ${open.length > 0 ? 'has-open' : ''}` },
    h('h2', {}, open.length > 0 ? `Open incidents (${open.length})` : 'Incidents'),
    open.map((incident) => openIncident(timeline, incident, refresh)),
    open.length === 0 ? h('p', { class: 'muted no-open' }, 'No open incident.') : null,
    resolved.length > 0
      ? h(
          'ul',
          { class: 'resolved-incidents' },
          resolved.map((incident) =>
            h('li', { dataset: { incidentKey: incident.incidentKey } }, `${incident.errorType} at `, h('code', {}, incident.elementId), `: ${incident.errorMessage} — resolved ${formatTime(incident.resolvedAt)}`),
          ),
        )
      : null,
  );
}

function openIncident(timeline: InstanceTimeline, incident: TimelineIncident, refresh: () => Promise<void>): HTMLElement {
  const step = timeline.steps.find((candidate) => candidate.elementInstanceKey === incident.elementInstanceKey);
  return h(
    'div',
    { class: 'incident open', dataset: { incidentKey: incident.incidentKey, elementId: incident.elementId } },
    h('div', {}, h('strong', { class: 'error-type' }, incident.errorType), ' at ', h('strong', {}, step?.elementName ?? incident.elementId), ' ', h('code', {}, incident.elementId)),
    h('div', { class: 'error-message' }, incident.errorMessage),
    h('div', { class: 'muted small' }, `raised ${formatTime(incident.createdAt)}`, incident.jobKey ? ` · job ${incident.jobKey}` : ''),
    incidentActions(incident.incidentKey, refresh),
  );
}
