import { get, post } from '../../api/api-client';
import type { Journey } from '../../api/types';
import { Router, type View } from '../../router';
import { session } from '../../session';
import { append, formatTime, h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';

/** Every journey, with its live and latest versions; analysts create new ones here. */
export class JourneysView implements View {
  async mount(container: HTMLElement): Promise<void> {
    const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const showArchived = h('input', { type: 'checkbox', id: 'show-archived', onChange: () => void load() });
    append(container, [
      h('header', { class: 'page-header' }, h('h1', {}, 'Journeys'), h('label', { class: 'inline' }, showArchived, ' show archived')),
      session.can('analyst') ? createForm() : null,
      list,
    ]);
    const load = async () => {
      try {
        const journeys = await get<Journey[]>(`/journeys${showArchived.checked ? '?includeArchived=true' : ''}`);
        replace(list, journeys.length === 0 ? h('p', { class: 'muted' }, 'No journeys yet.') : table(journeys));
      } catch (error) {
        replace(list, errorBox(error));
      }
    };
    await load();
  }
}

function table(journeys: Journey[]): HTMLElement {
  return h(
    'table',
    { class: 'list', id: 'journeys' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Process id'), h('th', {}, 'Live'), h('th', {}, 'Latest'), h('th', {}, 'Re-entry'), h('th', {}, 'Updated'))),
    h(
      'tbody',
      {},
      journeys.map((journey) =>
        h(
          'tr',
          { dataset: { journeyId: journey.id }, class: journey.archived ? 'archived' : '' },
          h('td', {}, h('a', { href: `#/journeys/${journey.id}` }, journey.name), journey.archived ? h('span', { class: 'badge' }, 'archived') : null),
          h('td', {}, h('code', {}, journey.processId)),
          h('td', {}, journey.liveVersion === null ? '—' : `v${journey.liveVersion}`),
          h('td', {}, journey.latestVersion === null ? '—' : `v${journey.latestVersion}`),
          h('td', {}, journey.reentry.replace('_', ' ')),
          h('td', {}, formatTime(journey.updatedAt)),
        ),
      ),
    ),
  );
}

/** POST /api/journeys; the new journey opens. */
function createForm(): HTMLElement {
  const processId = h('input', { name: 'processId', required: true, pattern: '[A-Za-z_][A-Za-z0-9_.\\-]*', placeholder: 'welcome-journey' });
  const name = h('input', { name: 'name', required: true, placeholder: 'Welcome' });
  const reentry = h('select', { name: 'reentry' }, h('option', { value: 'never' }, 'never'), h('option', { value: 'after_exit' }, 'after exit'), h('option', { value: 'always' }, 'always'));
  const goalEnd = h('input', { name: 'goalEndEventId', placeholder: 'end event id (optional)' });
  const message = h('div', {});
  return h(
    'details',
    { class: 'card' },
    h('summary', {}, 'New journey'),
    h(
      'form',
      {
        id: 'create-journey',
        class: 'grid-form',
        onSubmit: async (event: Event) => {
          event.preventDefault();
          try {
            const goal = goalEnd.value.trim() ? { type: 'end_event', endEventId: goalEnd.value.trim() } : undefined;
            const journey = await post<Journey>('/journeys', { processId: processId.value.trim(), name: name.value.trim(), reentry: reentry.value, ...(goal ? { goal } : {}) });
            Router.navigate(`/journeys/${journey.id}`);
          } catch (error) {
            replace(message, errorBox(error));
          }
        },
      },
      h('label', {}, 'Process id', processId),
      h('label', {}, 'Name', name),
      h('label', {}, 'Re-entry', reentry),
      h('label', {}, 'Goal', goalEnd),
      h('button', { type: 'submit', class: 'primary' }, 'Create'),
      message,
    ),
  );
}
