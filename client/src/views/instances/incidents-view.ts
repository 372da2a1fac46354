import { get, query } from '../../api/api-client';
import type { Journey } from '../../api/types';
import { Router, type View } from '../../router';
import { session } from '../../session';
import { append, formatTime, h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import { incidentActions } from './incident-actions';
import { customerLink, instanceLink, journeyLink, openInstanceForm } from './parts';
import type { Incident } from './types';

/** Open incidents, oldest first, of every journey or one (`?journeyId=`), with Retry / Cancel instance. */
export class IncidentsView implements View {
  private readonly list = h('div', { class: 'incident-list' }, h('p', { class: 'muted' }, 'Loading…'));

  constructor(private readonly params: URLSearchParams) {}

  async mount(container: HTMLElement): Promise<void> {
    container.append(h('header', { class: 'page-header' }, h('h1', {}, 'Open incidents')));
    if (!session.can('owner')) {
      container.append(h('p', { class: 'muted', id: 'needs-owner' }, 'Incidents are for process owners: sign in with an owner key to see and fix them.'));
      return;
    }
    const journeyId = this.params.get('journeyId') ?? '';
    const processInstanceKey = this.params.get('processInstanceKey') ?? '';
    const journeys = await get<Journey[]>('/journeys?includeArchived=true').catch(() => []);
    append(container, [h('section', { class: 'card filter-bar' }, filterForm(journeys, journeyId, processInstanceKey), openInstanceForm()), this.list]);
    await this.load(journeyId, processInstanceKey);
  }

  private async load(journeyId: string, processInstanceKey: string): Promise<void> {
    try {
      const incidents = await get<Incident[]>(`/incidents${query({ journeyId, processInstanceKey })}`);
      replace(this.list, incidents.length === 0 ? h('p', { class: 'muted empty' }, 'No open incident. Everything runs.') : this.table(incidents, () => this.load(journeyId, processInstanceKey)));
    } catch (error) {
      replace(this.list, errorBox(error));
    }
  }

  private table(incidents: Incident[], reload: () => Promise<void>): HTMLElement {
    return h(
      'table',
      { class: 'list', id: 'incidents' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Raised'), h('th', {}, 'Error'), h('th', {}, 'Journey'), h('th', {}, 'Instance'), h('th', {}, 'Element'), h('th', {}, 'Customer'), h('th', {}, ''))),
      h(
        'tbody',
        {},
        incidents.map((incident) =>
          h(
            'tr',
            { dataset: { incidentKey: incident.key, processInstanceKey: incident.processInstanceKey } },
            h('td', {}, formatTime(incident.createdAt)),
            h('td', {}, h('strong', {}, incident.errorType), h('div', { class: 'error-message' }, incident.errorMessage)),
            h('td', {}, incident.journey ? journeyLink(incident.journey) : h('code', {}, incident.bpmnProcessId)),
            h('td', {}, instanceLink(incident.processInstanceKey)),
            h('td', {}, h('code', {}, incident.elementId)),
            h('td', {}, customerLink(incident.enrolment?.customerId ?? null)),
            h('td', {}, incidentActions(incident.key, reload)),
          ),
        ),
      ),
    );
  }
}

function filterForm(journeys: Journey[], journeyId: string, processInstanceKey: string): HTMLElement {
  const journey = h(
    'select',
    { name: 'journeyId' },
    h('option', { value: '' }, 'every journey'),
    journeys.map((candidate) => h('option', { value: candidate.id, selected: candidate.id === journeyId }, candidate.name)),
  );
  const key = h('input', { name: 'processInstanceKey', value: processInstanceKey, pattern: '[0-9]{1,19}', placeholder: 'process instance key' });
  return h(
    'form',
    {
      id: 'incident-filter',
      class: 'filters',
      onSubmit: (event: Event) => {
        event.preventDefault();
        Router.navigate(`/incidents${query({ journeyId: journey.value, processInstanceKey: key.value.trim() })}`);
      },
    },
    h('label', { class: 'inline' }, 'Journey', journey),
    h('label', { class: 'inline' }, 'Instance', key),
    h('button', { type: 'submit' }, 'Filter'),
  );
}
