import { ApiError, get } from '../api/api-client';
import type { View } from '../router';
import { type CurrentKey, session } from '../session';
import { h, replace } from '../ui/dom';

/** Sign-in with an API key: the admin key the first start printed, or one an admin made. */
export class LoginView implements View {
  constructor(private readonly reason?: string) {}

  mount(container: HTMLElement): void {
    const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', placeholder: 'trv_…', autocomplete: 'off', required: true });
    const message = h('p', { class: 'error', role: 'alert' }, this.reason ?? '');
    const form = h(
      'form',
      {
        class: 'card login',
        onSubmit: async (event: Event) => {
          event.preventDefault();
          const key = input.value.trim();
          try {
            session.signIn(key, await get<CurrentKey>('/keys/me', key));
          } catch (error) {
            replace(message, error instanceof ApiError && error.status === 401 ? 'That key is not valid, or it was revoked.' : String(error));
          }
        },
      },
      h('h1', {}, 'Travesía'),
      h('p', {}, 'Sign in with an API key. On its first start the service printed an admin key; admins create keys for analysts, process owners and clients.'),
      h('label', { for: 'api-key' }, 'API key'),
      input,
      h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
      message,
    );
    container.append(form);
    input.focus();
  }
}
