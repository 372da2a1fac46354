/** Numbers of the KPI screen, as the reader's locale writes them. */

const COUNT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const PERCENT = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const SIGNED_COUNT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
const SIGNED_POINTS = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** 1234 → "1,234". */
export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** 0.375 → "37.5%"; an em dash for none. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : PERCENT.format(rate);
}

/** `part` of `whole` as a rate, or null when there is no whole. */
export function rateOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** A difference of counts: "+3", "-2", "0". */
export function formatCountDifference(value: number): string {
  return SIGNED_COUNT.format(value);
}

/** A difference of rates in percentage points: 0.125 → "+12.5 pp"; an em dash when either is missing. */
export function formatPointsDifference(rate: number | null, baseline: number | null): string {
  return rate === null || baseline === null ? '—' : `${SIGNED_POINTS.format(Math.round((rate - baseline) * 1000) / 10)} pp`;
}

/** "A", or "no variant" for the instances without one. */
export function variantLabel(variant: string | null): string {
  return variant ?? 'no variant';
}
