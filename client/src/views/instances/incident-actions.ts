import { post } from '../../api/api-client';
import { session } from '../../session';
import { h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import type { IncidentAction } from './types';

/**
 * Retry and Cancel instance for one open incident (owners only; nothing for other keys).
 * Cancelling asks once more in place. `done` runs after the API accepted either.
 */
export function incidentActions(incidentKey: string, done: (action: IncidentAction) => void | Promise<void>): HTMLElement | null {
  if (!session.can('owner')) return null;
  const message = h('div', { class: 'incident-message' });
  const buttons = h('span', { class: 'buttons' });
  const element = h('div', { class: 'incident-actions', dataset: { incidentKey } }, buttons, message);

  const run = async (path: 'retry' | 'cancel') => {
    for (const button of buttons.querySelectorAll('button')) button.disabled = true;
    replace(message);
    try {
      const action = await post<IncidentAction>(`/incidents/${incidentKey}/${path}`, path === 'retry' ? {} : undefined);
      replace(buttons, h('span', { class: 'muted done' }, action.action === 'cancelled' ? 'Instance cancelled' : action.action === 'retried' ? `Retried (job got ${action.retries} ${action.retries === 1 ? 'retry' : 'retries'})` : 'Resolved'));
      await done(action);
    } catch (error) {
      replace(message, errorBox(error));
      showInitial();
    }
  };
  const showInitial = () =>
    replace(
      buttons,
      h('button', { type: 'button', class: 'primary retry', onClick: () => void run('retry') }, 'Retry'),
      h('button', { type: 'button', class: 'danger cancel', onClick: showConfirm }, 'Cancel instance'),
    );
  const showConfirm = () =>
    replace(
      buttons,
      h('span', { class: 'confirm-text' }, 'Cancel the whole instance?'),
      h('button', { type: 'button', class: 'danger confirm-cancel', onClick: () => void run('cancel') }, 'Yes, cancel it'),
      h('button', { type: 'button', class: 'keep', onClick: showInitial }, 'Keep it'),
    );
  showInitial();
  return element;
}
