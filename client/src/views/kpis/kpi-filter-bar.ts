import type { JourneyVersionSummary } from '../../api/types';
import { h, replace } from '../../ui/dom';
import type { KpiFilters } from './kpi-query';

/** The filters of the KPI screen: version, range of days (UTC, both ends included) and A/B variant. */
export class KpiFilterBar {
  readonly element: HTMLFormElement;
  private readonly version: HTMLSelectElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly variant: HTMLSelectElement;

  constructor(versions: JourneyVersionSummary[], filters: KpiFilters, onChange: (filters: KpiFilters) => void) {
    this.version = h(
      'select',
      { name: 'version' },
      [...versions].reverse().map((v) => h('option', { value: String(v.version), selected: v.version === filters.version }, `v${v.version}${v.live ? ' · live' : v.lastDeployment ? '' : ' · not deployed'}`)),
    );
    this.from = h('input', { type: 'date', name: 'from', value: filters.from });
    this.to = h('input', { type: 'date', name: 'to', value: filters.to });
    this.variant = h('select', { name: 'variant' });
    this.setVariants([], filters.variant);
    this.element = h(
      'form',
      { class: 'card kpi-filters', id: 'kpi-filters', onChange: () => onChange(this.value()), onSubmit: (event: Event) => event.preventDefault() },
      h('label', {}, 'Version', this.version),
      h('label', {}, 'From (UTC day)', this.from),
      h('label', {}, 'To (included)', this.to),
      h('label', {}, 'A/B variant', this.variant),
      h('button', { type: 'button', class: 'link', onClick: () => this.clearRange(onChange) }, 'All days'),
    );
  }

  value(): KpiFilters {
    return { version: this.version.value ? Number(this.version.value) : null, from: this.from.value, to: this.to.value, variant: this.variant.value };
  }

  /** The variants the instances in the range have (the chosen one stays, even when none has it now). */
  setVariants(variants: (string | null)[], chosen = this.variant.value): void {
    const named = variants.filter((variant): variant is string => variant !== null);
    if (chosen && !named.includes(chosen)) named.push(chosen);
    replace(this.variant, h('option', { value: '' }, 'All variants'), named.map((variant) => h('option', { value: variant, selected: variant === chosen }, variant)));
    this.variant.value = chosen;
  }

  private clearRange(onChange: (filters: KpiFilters) => void): void {
    this.from.value = '';
    this.to.value = '';
    onChange(this.value());
  }
}
