import type { Page } from '../../api/types';
import { h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';

export interface PagedTableOptions<T> {
  id: string;
  headers: string[];
  /** One page: the first with cursor null, then the ones nextCursor names. */
  fetchPage: (cursor: string | null) => Promise<Page<T>>;
  row: (item: T) => HTMLElement;
  /** What to say when the first page is empty. */
  empty: string;
}

/**
 * A table of a cursor-paged list: the first page, then "Load more" while the API hands out a
 * nextCursor. Errors show in place, under the rows already loaded.
 */
export function pagedTable<T>(options: PagedTableOptions<T>): { element: HTMLElement; loaded: Promise<void> } {
  const tbody = h('tbody', {});
  const table = h('table', { class: 'list', id: options.id }, h('thead', {}, h('tr', {}, options.headers.map((header) => h('th', {}, header)))), tbody);
  const status = h('div', { class: 'pager-status' });
  const more = h('button', { type: 'button', class: 'load-more', hidden: true }, 'Load more');
  const element = h('div', { class: 'paged' }, table, status, more);
  let cursor: string | null = null;

  const load = async () => {
    more.disabled = true;
    try {
      const page = await options.fetchPage(cursor);
      for (const item of page.items) tbody.append(options.row(item));
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      replace(status, tbody.childElementCount === 0 ? h('p', { class: 'muted empty' }, options.empty) : null);
    } catch (error) {
      replace(status, errorBox(error));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => void load());
  return { element, loaded: load() };
}
