import { h } from '../../ui/dom';
import { HEAT_LEVELS, type HeatMeasure } from './heat-measures';

/** What the heatmap's colours mean for `measure`, whose highest value is `max` (null: none measured). */
export function heatLegend(measure: HeatMeasure, max: number | null): HTMLElement {
  return h(
    'div',
    { class: 'heat-legend', id: 'heat-legend', dataset: { measure: measure.key } },
    h('span', { class: 'heat-legend-title' }, `${measure.label}: ${measure.description}`),
    HEAT_LEVELS.map((level) => h('span', { class: 'heat-swatch' }, h('i', { class: `heat-${level}` }), levelText(level))),
    measure.key === 'p50' ? h('span', { class: 'heat-swatch' }, h('i', { class: 'heat-none' }), 'not timed') : null,
    h('span', { class: 'muted' }, max === null ? 'nothing measured' : `100% = ${measure.format(max)}`),
  );
}

function levelText(level: number): string {
  return level === 0 ? 'none' : `≤ ${level * 25}%`;
}
