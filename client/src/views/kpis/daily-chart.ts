import { h } from '../../ui/dom';
import { formatCount } from './kpi-format';
import type { DailyKpi } from './kpi-types';
import { svg } from './svg';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 16, bottom: 28, left: 40 };
const MAX_DAY_LABELS = 7;

type SeriesKey = 'started' | 'completed' | 'converted';

const SERIES: { key: SeriesKey; label: string }[] = [
  { key: 'started', label: 'Started' },
  { key: 'completed', label: 'Completed' },
  { key: 'converted', label: 'Converted' },
];

/** Instances started, completed and converted per UTC day, as lines, with the range's totals. */
export function dailyChart(days: DailyKpi[]): HTMLElement {
  if (days.length === 0) return h('p', { class: 'muted', id: 'kpi-daily' }, 'No day in this range.');
  const top = niceTop(Math.max(...days.flatMap((day) => SERIES.map(({ key }) => day.instances[key]))));
  const x = (i: number) => (days.length === 1 ? PAD.left + plotWidth() / 2 : PAD.left + (i * plotWidth()) / (days.length - 1));
  const y = (value: number) => PAD.top + plotHeight() * (1 - value / top);
  const chart = svg(
    'svg',
    { class: 'daily-chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Instances per day, ${days[0].day} to ${days.at(-1)!.day}` },
    ticks(top).map((tick) => [
      svg('line', { class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(tick), y2: y(tick) }),
      svg('text', { class: 'axis', x: PAD.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, formatCount(tick)),
    ]),
    dayLabels(days.length).map((i) => svg('text', { class: 'axis', x: x(i), y: HEIGHT - 8, 'text-anchor': 'middle' }, shortDay(days[i].day))),
    SERIES.map(({ key, label }) =>
      svg(
        'g',
        { class: `series series-${key}`, 'data-series': key },
        svg('polyline', { points: days.map((day, i) => `${x(i)},${y(day.instances[key])}`).join(' ') }),
        days.map((day, i) =>
          svg('circle', { cx: x(i), cy: y(day.instances[key]), r: 3, 'data-day': day.day, 'data-value': day.instances[key] }, svg('title', {}, `${day.day}: ${formatCount(day.instances[key])} ${label.toLowerCase()}`)),
        ),
      ),
    ),
  );
  return h('figure', { class: 'daily', id: 'kpi-daily' }, chart, h('figcaption', { class: 'series-legend' }, SERIES.map(({ key, label }) => h('span', { class: `series-key series-${key}`, dataset: { series: key } }, h('i', {}), `${label} ${formatCount(total(days, key))}`))));
}

function plotWidth(): number {
  return WIDTH - PAD.left - PAD.right;
}

function plotHeight(): number {
  return HEIGHT - PAD.top - PAD.bottom;
}

/** The top of the scale: at least 4, a multiple of 4 so that the ticks are whole numbers. */
function niceTop(max: number): number {
  const step = Math.max(1, niceStep(max / 4));
  return step * 4;
}

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const factor = [1, 2, 2.5, 5, 10].find((f) => f * magnitude >= raw)!;
  return Math.ceil(factor * magnitude);
}

function ticks(top: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => (top * i) / 4);
}

/** Indexes of the days to label: the first, the last, and evenly between. */
function dayLabels(count: number): number[] {
  const step = Math.max(1, Math.ceil((count - 1) / (MAX_DAY_LABELS - 1)));
  const labels = [];
  for (let i = 0; i < count; i += step) labels.push(i);
  if (labels.at(-1) !== count - 1) {
    if (count - 1 - labels.at(-1)! < step / 2) labels.pop();
    labels.push(count - 1);
  }
  return labels;
}

function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

function total(days: DailyKpi[], key: SeriesKey): number {
  return days.reduce((sum, day) => sum + day.instances[key], 0);
}
