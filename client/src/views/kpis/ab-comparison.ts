import { h } from '../../ui/dom';
import { formatCount, formatCountDifference, formatPointsDifference, formatRate, variantLabel } from './kpi-format';
import type { InstanceKpi, VariantKpi } from './kpi-types';

type CountKey = 'started' | 'active' | 'completed' | 'terminated' | 'converted';

const COUNTS: { key: CountKey; label: string }[] = [
  { key: 'started', label: 'Started' },
  { key: 'active', label: 'Active' },
  { key: 'completed', label: 'Completed' },
  { key: 'terminated', label: 'Terminated' },
  { key: 'converted', label: 'Converted' },
];

/**
 * The A/B variants side by side: their instances and conversion, and each one's difference
 * from the first (the baseline), conversion in percentage points.
 */
export function abComparison(variants: VariantKpi[]): HTMLElement {
  if (variants.length < 2) {
    const only = variants[0];
    return h('p', { class: 'muted', id: 'kpi-ab' }, only ? `Every instance in the range is of one variant (${variantLabel(only.variant)}): nothing to compare.` : 'No instances in the range: nothing to compare.');
  }
  const [baseline, ...others] = variants;
  return h(
    'table',
    { class: 'list kpi-ab', id: 'kpi-ab' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, ''),
        variants.map((v) => h('th', { class: 'num', dataset: { variant: variantLabel(v.variant) } }, variantLabel(v.variant))),
        others.map((v) => h('th', { class: 'num', dataset: { difference: variantLabel(v.variant) } }, `${variantLabel(v.variant)} − ${variantLabel(baseline.variant)}`)),
      ),
    ),
    h(
      'tbody',
      {},
      COUNTS.map(({ key, label }) =>
        row(
          key,
          label,
          variants.map((v) => formatCount(v.instances[key])),
          others.map((v) => formatCountDifference(v.instances[key] - baseline.instances[key])),
        ),
      ),
      row(
        'conversionRate',
        'Conversion',
        variants.map((v) => formatRate(v.instances.conversionRate)),
        others.map((v) => formatPointsDifference(v.instances.conversionRate, baseline.instances.conversionRate)),
        leader(variants.map((v) => v.instances)),
      ),
    ),
  );
}

function row(kpi: string, label: string, values: string[], differences: string[], best?: number): HTMLElement {
  return h(
    'tr',
    { dataset: { kpi } },
    h('th', {}, label),
    values.map((value, i) => h('td', { class: i === best ? 'num best' : 'num' }, value)),
    differences.map((difference) => h('td', { class: 'num difference' }, difference)),
  );
}

/** The index of the variant converting best, if one alone does. */
function leader(instances: InstanceKpi[]): number | undefined {
  const rates = instances.map((i) => i.conversionRate ?? -1);
  const best = Math.max(...rates);
  return best >= 0 && rates.filter((rate) => rate === best).length === 1 ? rates.indexOf(best) : undefined;
}
