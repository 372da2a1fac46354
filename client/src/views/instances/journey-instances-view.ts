import { get, query } from '../../api/api-client';
import type { Journey, Page } from '../../api/types';
import { Router, type View } from '../../router';
import { session } from '../../session';
import { append, formatTime, h } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import { journeyTabs } from '../journeys/journey-tabs';
import { pagedTable } from './pager';
import { customerLink, instanceLink, openInstanceForm, stateBadge } from './parts';
import { ENROLMENT_STATUSES, type Enrolment } from './types';

/**
 * A journey's instances: its enrolments, newest first, filtered by status and customer (the
 * filter and page size live in the address, `?status=active&customerId=ana&limit=20`), each
 * linking to its instance.
 */
export class JourneyInstancesView implements View {
  constructor(
    private readonly journeyId: string,
    private readonly params: URLSearchParams,
  ) {}

  async mount(container: HTMLElement): Promise<void> {
    let journey: Journey | null = null;
    try {
      if (session.can('analyst', 'owner')) journey = await get<Journey>(`/journeys/${this.journeyId}`);
    } catch (error) {
      container.append(errorBox(error));
      return;
    }
    container.append(journey ? journeyTabs(journey, 'instances') : h('header', { class: 'page-header' }, h('h1', {}, 'Instances')));
    if (!session.can('client', 'owner')) {
      container.append(h('p', { class: 'muted', id: 'needs-owner' }, "A journey's instances are for process owners: sign in with an owner key to see them."));
      return;
    }
    const status = this.params.get('status') ?? '';
    const customerId = this.params.get('customerId') ?? '';
    const limit = this.params.get('limit');
    const list = pagedTable<Enrolment>({
      id: 'enrolments',
      headers: ['Customer', 'Status', 'Version', 'Started', 'Ended', 'Instance', 'Enrolled by'],
      fetchPage: (cursor) => get<Page<Enrolment>>(`/journeys/${this.journeyId}/enrolments${query({ status, customerId, limit, cursor })}`),
      row: enrolmentRow,
      empty: status || customerId ? 'No enrolment matches the filter.' : 'Nobody has been enrolled into this journey yet.',
    });
    append(container, [
      h(
        'section',
        { class: 'card filter-bar' },
        filterForm(this.journeyId, status, customerId),
        openInstanceForm(),
        session.can('owner') ? h('a', { href: `#/incidents?journeyId=${this.journeyId}`, id: 'journey-incidents' }, 'Open incidents of this journey') : null,
      ),
      list.element,
    ]);
    await list.loaded;
  }
}

function enrolmentRow(enrolment: Enrolment): HTMLElement {
  return h(
    'tr',
    { dataset: { enrolmentId: enrolment.id, customerId: enrolment.customerId, status: enrolment.status } },
    h('td', {}, customerLink(enrolment.customerId)),
    h('td', {}, stateBadge(enrolment.status), enrolment.error ? h('div', { class: 'error small' }, enrolment.error) : null),
    h('td', {}, `v${enrolment.version}`),
    h('td', {}, formatTime(enrolment.startedAt ?? enrolment.createdAt)),
    h('td', {}, formatTime(enrolment.endedAt), enrolment.cancelledBy ? h('div', { class: 'muted small' }, `cancelled by ${enrolment.cancelledBy.name}`) : null),
    h('td', {}, instanceLink(enrolment.processInstanceKey)),
    h('td', {}, enrolment.enrolledBy.name, enrolment.source === 'bulk' ? h('span', { class: 'badge' }, 'bulk') : null),
  );
}

function filterForm(journeyId: string, status: string, customerId: string): HTMLElement {
  const statusSelect = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, 'any status'),
    ENROLMENT_STATUSES.map((value) => h('option', { value, selected: value === status }, value)),
  );
  const customer = h('input', { name: 'customerId', value: customerId, placeholder: 'customer id' });
  return h(
    'form',
    {
      id: 'enrolment-filter',
      class: 'filters',
      onSubmit: (event: Event) => {
        event.preventDefault();
        Router.navigate(`/journeys/${journeyId}/instances${query({ status: statusSelect.value, customerId: customer.value.trim() })}`);
      },
    },
    h('label', { class: 'inline' }, 'Status', statusSelect),
    h('label', { class: 'inline' }, 'Customer', customer),
    h('button', { type: 'submit' }, 'Filter'),
  );
}
