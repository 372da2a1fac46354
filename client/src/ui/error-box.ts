import { ApiError } from '../api/api-client';
import { h } from './dom';

/** An error for the reader: the API's message and each field's problems. */
export function errorBox(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    return h(
      'div',
      { class: 'error-box', role: 'alert' },
      h('strong', {}, error.message),
      error.details.length > 0 ? h('ul', {}, error.details.map((detail) => h('li', {}, h('code', {}, detail.field), ': ', detail.messages.join('; ')))) : null,
    );
  }
  return h('div', { class: 'error-box', role: 'alert' }, error instanceof Error ? error.message : String(error));
}
