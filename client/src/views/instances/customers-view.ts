import { get } from '../../api/api-client';
import type { Page } from '../../api/types';
import { Router, type View } from '../../router';
import { append, formatTime, h } from '../../ui/dom';
import { pagedTable } from './pager';
import { customerLink, stateBadge } from './parts';
import { type Customer, SEGMENTS } from './types';

/**
 * Customers, filtered by segment, attributes (`plan:gold`, several separated by `;`) and last
 * change; the filter and page size live in the address (`?segment=lead&attribute=plan:gold&limit=20`).
 */
export class CustomersView implements View {
  constructor(private readonly params: URLSearchParams) {}

  async mount(container: HTMLElement): Promise<void> {
    const filter = new URLSearchParams();
    for (const name of ['segment', 'updatedSince', 'limit']) {
      const value = this.params.get(name);
      if (value) filter.set(name, value);
    }
    for (const attribute of this.params.getAll('attribute')) filter.append('attribute', attribute);
    const filtered = [...filter.keys()].some((name) => name !== 'limit');
    const list = pagedTable<Customer>({
      id: 'customers',
      headers: ['Customer', 'Segment', 'Email', 'Last seen', 'Events', 'Purchases', 'Updated'],
      fetchPage: (cursor) => {
        const params = new URLSearchParams(filter);
        if (cursor) params.set('cursor', cursor);
        return get<Page<Customer>>(`/customers${params.size > 0 ? `?${params}` : ''}`);
      },
      row: customerRow,
      empty: filtered ? 'No customer matches the filter.' : 'No customers yet: the CRM sends them through PUT /api/customers/:externalId.',
    });
    append(container, [h('header', { class: 'page-header' }, h('h1', {}, 'Customers')), h('section', { class: 'card filter-bar' }, filterForm(this.params)), list.element]);
    await list.loaded;
  }
}

function customerRow(customer: Customer): HTMLElement {
  return h(
    'tr',
    { dataset: { externalId: customer.externalId } },
    h('td', {}, customerLink(customer.externalId)),
    h('td', {}, customer.segment ? stateBadge(customer.segment) : '—'),
    h('td', {}, customer.addresses.email ?? '—'),
    h('td', {}, formatTime(customer.aggregates.lastSeenAt)),
    h('td', {}, customer.aggregates.eventCount),
    h('td', {}, customer.aggregates.purchaseCount),
    h('td', {}, formatTime(customer.updatedAt)),
  );
}

function filterForm(params: URLSearchParams): HTMLElement {
  const segment = h(
    'select',
    { name: 'segment' },
    h('option', { value: '' }, 'any segment'),
    SEGMENTS.map((value) => h('option', { value, selected: value === params.get('segment') }, value.replace('_', ' '))),
  );
  const attributes = h('input', { name: 'attribute', value: params.getAll('attribute').join('; '), placeholder: 'plan:gold; vip:true' });
  const since = params.get('updatedSince');
  const updatedSince = h('input', { name: 'updatedSince', type: 'datetime-local', value: since ? localInputValue(since) : '' });
  return h(
    'form',
    {
      id: 'customer-filter',
      class: 'filters',
      onSubmit: (event: Event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        if (segment.value) next.set('segment', segment.value);
        for (const attribute of attributes.value.split(';').map((part) => part.trim()).filter(Boolean)) next.append('attribute', attribute);
        if (updatedSince.value) next.set('updatedSince', new Date(updatedSince.value).toISOString());
        Router.navigate(`/customers${next.size > 0 ? `?${next}` : ''}`);
      },
    },
    h('label', { class: 'inline' }, 'Segment', segment),
    h('label', { class: 'inline' }, 'Attributes', attributes),
    h('label', { class: 'inline' }, 'Changed since', updatedSince),
    h('button', { type: 'submit' }, 'Filter'),
  );
}

/** An ISO time as a datetime-local input wants it, in the reader's zone. */
function localInputValue(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
