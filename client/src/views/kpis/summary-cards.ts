import { h } from '../../ui/dom';
import { formatCount, formatRate, rateOf } from './kpi-format';
import type { InstanceKpi } from './kpi-types';

/** The instances covered, at a glance: started, active, completed, terminated and converted. */
export function summaryCards(instances: InstanceKpi, hasGoal: boolean): HTMLElement {
  const { started } = instances;
  return h(
    'section',
    { class: 'kpi-cards', id: 'kpi-summary' },
    card('started', 'Started', formatCount(started), 'instances in the range'),
    card('active', 'Active', formatCount(instances.active), share(instances.active, started)),
    card('completed', 'Completed', formatCount(instances.completed), share(instances.completed, started)),
    card('terminated', 'Terminated', formatCount(instances.terminated), share(instances.terminated, started)),
    card('conversionRate', 'Conversion', formatRate(instances.conversionRate), hasGoal ? `${formatCount(instances.converted)} reached the goal` : 'the journey has no goal in this version'),
  );
}

function card(kpi: string, label: string, value: string, note: string): HTMLElement {
  return h('div', { class: 'kpi-card', dataset: { kpi } }, h('span', { class: 'kpi-label' }, label), h('strong', { class: 'kpi-value' }, value), h('span', { class: 'kpi-note muted' }, note));
}

function share(part: number, started: number): string {
  const rate = rateOf(part, started);
  return rate === null ? '—' : `${formatRate(rate)} of started`;
}
