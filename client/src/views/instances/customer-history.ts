import { get, query } from '../../api/api-client';
import { type Child, formatTime, h } from '../../ui/dom';
import { pagedTable } from './pager';
import { instanceLink, journeyLink, stateBadge } from './parts';
import type { CustomerHistoryItem, CustomerHistoryPage } from './types';

/** Every journey instance and touchpoint of a customer, newest first, in pages (owners). */
export function customerHistory(customerPath: string): { element: HTMLElement; loaded: Promise<void> } {
  return pagedTable<CustomerHistoryItem>({
    id: 'customer-history',
    headers: ['When', 'What', 'Journey', 'Instance', 'State'],
    fetchPage: (cursor) => get<CustomerHistoryPage>(`${customerPath}/history${query({ cursor })}`),
    row: historyRow,
    empty: 'This customer has not been in any journey yet.',
  });
}

function historyRow(item: CustomerHistoryItem): HTMLElement {
  return h(
    'tr',
    { class: `history-${item.kind}`, dataset: { kind: item.kind, processInstanceKey: item.processInstanceKey ?? '' } },
    h('td', {}, formatTime(item.at)),
    h('td', {}, what(item)),
    h('td', {}, journeyLink(item.journey)),
    h('td', {}, instanceLink(item.processInstanceKey)),
    h('td', {}, stateBadge(item.instance?.state ?? item.touchpoint?.state ?? 'unknown')),
  );
}

function what(item: CustomerHistoryItem): Child[] {
  if (item.kind === 'journey' || !item.touchpoint) {
    const instance = item.instance;
    return [
      h('strong', {}, 'Journey instance'),
      instance?.variant ? h('span', { class: 'badge' }, `variant ${instance.variant}`) : null,
      instance ? h('div', { class: 'muted small' }, `started ${formatTime(instance.startedAt)}${instance.endedAt ? `, ended ${formatTime(instance.endedAt)}` : ''}`) : null,
    ];
  }
  const touchpoint = item.touchpoint;
  const template = touchpoint.headers.template;
  return [
    h('strong', {}, `${touchpoint.channel} touchpoint`),
    ' ',
    h('span', { class: 'touchpoint-name' }, touchpoint.elementName ?? touchpoint.elementId),
    h(
      'div',
      { class: 'muted small' },
      template ? `template ${template}` : touchpoint.jobType,
      touchpoint.endedAt ? ` · ended ${formatTime(touchpoint.endedAt)}` : '',
      touchpoint.errors.length > 0 ? ` · ${touchpoint.errors.length} failed ${touchpoint.errors.length === 1 ? 'attempt' : 'attempts'}` : '',
    ),
  ];
}
