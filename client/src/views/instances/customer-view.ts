import { get } from '../../api/api-client';
import type { View } from '../../router';
import { session } from '../../session';
import { append, formatTime, h } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import { customerHistory } from './customer-history';
import { facts, stateBadge, variablesTable } from './parts';
import type { Customer } from './types';

/** One customer: the profile the journeys see, and (for owners) every journey instance and touchpoint of theirs. */
export class CustomerView implements View {
  constructor(private readonly externalId: string) {}

  async mount(container: HTMLElement): Promise<void> {
    const path = `/customers/${encodeURIComponent(this.externalId)}`;
    let customer: Customer;
    try {
      customer = await get<Customer>(path);
    } catch (error) {
      container.append(errorBox(error));
      return;
    }
    const history = session.can('owner') ? customerHistory(path) : null;
    append(container, [
      h(
        'header',
        { class: 'page-header' },
        h('h1', {}, h('a', { href: '#/customers', class: 'crumb' }, 'Customers'), ' / ', customer.externalId, customer.segment ? stateBadge(customer.segment) : null),
      ),
      h(
        'div',
        { class: 'profile-grid', id: 'customer-cards' },
        card('Profile', 'profile', facts([
          ['External id', h('code', {}, customer.externalId)],
          ['Segment', customer.segment ?? 'none'],
          ['Time zone', customer.timezone ?? 'not known'],
          ['Created', formatTime(customer.createdAt)],
          ['Profile changed', formatTime(customer.updatedAt)],
        ])),
        card('Attributes', 'attributes', variablesTable(customer.attributes)),
        card('Addresses', 'addresses', addresses(customer)),
        card('Consents', 'consents', consents(customer)),
        card('Activity', 'aggregates', aggregates(customer)),
      ),
      h('h2', {}, 'History'),
      history ? history.element : h('p', { class: 'muted', id: 'history-needs-owner' }, 'The journey history of a customer is for process owners (owner keys).'),
    ]);
    await history?.loaded;
  }
}

function card(title: string, id: string, body: Node): HTMLElement {
  return h('section', { class: 'card', id: `customer-${id}` }, h('h3', {}, title), body);
}

function addresses(customer: Customer): HTMLElement {
  const { email, phone, pushTokens, other } = customer.addresses;
  if (!email && !phone && !pushTokens?.length && Object.keys(other ?? {}).length === 0) return h('p', { class: 'muted' }, 'No address.');
  return facts([
    ['Email', email ?? null],
    ['Phone', phone ?? null],
    ['Push tokens', pushTokens && pushTokens.length > 0 ? h('ul', { class: 'plain' }, pushTokens.map((token) => h('li', {}, h('code', {}, token)))) : null],
    ...Object.entries(other ?? {}).map(([channel, address]): [string, string] => [channel, address]),
  ]);
}

function consents(customer: Customer): HTMLElement {
  const channels = Object.keys(customer.consents).sort();
  if (channels.length === 0) return h('p', { class: 'muted' }, 'No consent statement: no channel may be used.');
  return h(
    'table',
    { class: 'vars' },
    h(
      'tbody',
      {},
      channels.map((channel) => {
        const consent = customer.consents[channel];
        return h(
          'tr',
          { dataset: { channel } },
          h('th', {}, channel),
          h('td', { class: consent.granted ? 'ok' : 'bad' }, consent.granted ? 'granted' : 'refused'),
          h('td', { class: 'muted' }, `${formatTime(consent.at)} · ${consent.source}`),
        );
      }),
    ),
  );
}

function aggregates(customer: Customer): HTMLElement {
  const a = customer.aggregates;
  const revenue = Object.entries(a.revenue).map(([currency, r]) => `${r.amount} ${currency} (${r.purchaseCount})`);
  return h(
    'div',
    {},
    facts([
      ['First seen', formatTime(a.firstSeenAt)],
      ['Last seen', formatTime(a.lastSeenAt)],
      ['Events', String(a.eventCount)],
      ['Purchases', String(a.purchaseCount)],
      ['First purchase', a.firstPurchaseAt ? formatTime(a.firstPurchaseAt) : null],
      ['Last purchase', a.lastPurchaseAt ? formatTime(a.lastPurchaseAt) : null],
      ['Revenue', revenue.length > 0 ? revenue.join(', ') : null],
    ]),
    Object.keys(a.channels).length > 0
      ? h(
          'table',
          { class: 'vars channels' },
          h('tbody', {}, Object.entries(a.channels).map(([channel, activity]) => h('tr', {}, h('th', {}, channel), h('td', {}, `${activity.eventCount} events`), h('td', { class: 'muted' }, `last ${formatTime(activity.lastInteractionAt)}`)))),
        )
      : null,
  );
}
