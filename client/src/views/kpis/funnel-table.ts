import { formatDuration, h } from '../../ui/dom';
import { formatCount, formatRate, rateOf } from './kpi-format';
import type { ElementKpi } from './kpi-types';

/** Per element in diagram order: who entered, completed, is there, dropped out, and how long it took. */
export function funnelTable(elements: ElementKpi[], nameOf: (element: ElementKpi) => string): HTMLElement {
  if (elements.length === 0) return h('p', { class: 'muted', id: 'kpi-funnel' }, 'No element of this version has KPIs.');
  return h(
    'table',
    { class: 'list kpi-funnel', id: 'kpi-funnel' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'Element'), ['Entered', 'Completed', 'In flight', 'Dropped', 'Drop rate', 'Time p50', 'Time p95'].map((label) => h('th', { class: 'num' }, label))),
    ),
    h(
      'tbody',
      {},
      elements.map((element) =>
        h(
          'tr',
          { dataset: { elementId: element.elementId } },
          h('td', {}, nameOf(element), h('span', { class: 'muted element-type' }, ` ${typeLabel(element.elementType)}`)),
          cell('entered', formatCount(element.entered)),
          cell('completed', formatCount(element.completed)),
          cell('inFlight', formatCount(element.inFlight)),
          cell('dropped', formatCount(element.dropped)),
          cell('dropRate', formatRate(rateOf(element.dropped, element.entered))),
          cell('p50', formatDuration(element.timeInActivity?.p50Ms)),
          cell('p95', formatDuration(element.timeInActivity?.p95Ms)),
        ),
      ),
    ),
  );
}

function cell(kpi: string, text: string): HTMLElement {
  return h('td', { class: 'num', dataset: { kpi } }, text);
}

/** SERVICE_TASK → "service task". */
function typeLabel(elementType: string): string {
  return elementType.toLowerCase().replaceAll('_', ' ');
}
