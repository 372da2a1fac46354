import { Router } from '../../router';
import { session } from '../../session';
import { formatTime, h } from '../../ui/dom';

/** Small pieces the instance, incident and customer screens share. */

/** A state (`active`, `completed`, `failed`…) as a coloured badge. */
export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge state state-${state}`, dataset: { state } }, state.replace('_', ' '));
}

/** A link to the instance explorer, for keys that may read timelines (owners); the bare key for others. */
export function instanceLink(processInstanceKey: string | null): Node | string {
  if (!processInstanceKey) return '—';
  if (!session.can('owner')) return h('code', {}, processInstanceKey);
  return h('a', { href: `#/instances/${processInstanceKey}`, class: 'instance-link' }, h('code', {}, processInstanceKey));
}

export function customerLink(externalId: string | null): Node | string {
  if (!externalId) return '—';
  return h('a', { href: `#/customers/${encodeURIComponent(externalId)}`, class: 'customer-link' }, externalId);
}

/** "Welcome v2", linking to the journey (journeys are read by analysts and owners). */
export function journeyLink(journey: { id: string; name: string; version: number | null }): Node {
  const label = `${journey.name}${journey.version === null ? '' : ` v${journey.version}`}`;
  return session.can('analyst', 'owner') ? h('a', { href: `#/journeys/${journey.id}`, class: 'journey-link' }, label) : h('span', {}, label);
}

/** Any JSON value, compact; long ones fold open into a pretty-printed block. */
export function jsonValue(value: unknown): Node {
  const compact = JSON.stringify(value) ?? 'undefined';
  if (compact.length <= 80) return h('code', { class: 'json' }, compact);
  return h('details', { class: 'json' }, h('summary', {}, h('code', {}, `${compact.slice(0, 60)}…`)), h('pre', {}, JSON.stringify(value, null, 2)));
}

/** Variables as a name/value table; with `before`, the new and changed ones are marked. */
export function variablesTable(variables: Record<string, unknown>, before?: Record<string, unknown>): HTMLElement {
  const names = Object.keys(variables).sort();
  if (names.length === 0) return h('p', { class: 'muted' }, 'No variables.');
  return h(
    'table',
    { class: 'vars' },
    h(
      'tbody',
      {},
      names.map((name) => {
        const changed = before !== undefined && JSON.stringify(before[name]) !== JSON.stringify(variables[name]);
        return h('tr', { class: changed ? 'changed' : '', dataset: { variable: name } }, h('th', {}, name), h('td', {}, jsonValue(variables[name])));
      }),
    ),
  );
}

/** A box to open any instance by its process instance key. */
export function openInstanceForm(): HTMLElement {
  const key = h('input', { name: 'processInstanceKey', required: true, pattern: '[0-9]{1,19}', placeholder: '2251799813685251', inputMode: 'numeric' });
  return h(
    'form',
    {
      class: 'open-instance',
      onSubmit: (event: Event) => {
        event.preventDefault();
        Router.navigate(`/instances/${key.value.trim()}`);
      },
    },
    h('label', { class: 'inline' }, 'Open instance by key', key),
    h('button', { type: 'submit' }, 'Open'),
  );
}

/** A fact list (`dl.facts`) from [term, description] pairs; null descriptions are left out. */
export function facts(entries: [string, Node | string | null][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    entries.filter((entry): entry is [string, Node | string] => entry[1] !== null).map(([term, description]) => [h('dt', {}, term), h('dd', {}, description)]),
  );
}

/** A time to the millisecond ("13:37:00.150"), with the date only when it is not `sameDayAs`'s. */
export function preciseTime(value: string | null, sameDayAs?: string): Node | string {
  if (!value) return '—';
  const date = new Date(value);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
  const sameDay = sameDayAs !== undefined && new Date(sameDayAs).toDateString() === date.toDateString();
  return h('time', { datetime: value, title: formatTime(value) }, sameDay ? time : `${date.toLocaleDateString()} ${time}`);
}
