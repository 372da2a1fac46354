import { DiagramViewer } from '../../ui/diagram-viewer';
import { formatDuration, h, replace } from '../../ui/dom';
import { heatLegend } from './heat-legend';
import { HEAT_LEVELS, HEAT_MEASURES, type HeatMeasure, heatLevel, heatMeasure } from './heat-measures';
import { formatCount } from './kpi-format';
import type { ElementKpi } from './kpi-types';

const OVERLAY_TYPE = 'kpi-heat';

/**
 * The version's diagram with each element that has KPIs coloured by a measure (a heat level
 * marker) and a badge with its value; the reader picks the measure.
 */
export class KpiHeatmap {
  readonly element: HTMLElement;
  private readonly viewer = new DiagramViewer();
  private readonly legend = h('div', {});
  private readonly picker: HTMLSelectElement;
  private measure: HeatMeasure;
  private shownXml: string | null = null;
  private elements: ElementKpi[] = [];
  private marked: string[] = [];

  constructor(measureKey: string | null, private readonly onMeasure: (measure: HeatMeasure) => void) {
    this.measure = heatMeasure(measureKey);
    this.picker = h(
      'select',
      { id: 'heat-measure', name: 'measure', onChange: () => this.pick(this.picker.value) },
      HEAT_MEASURES.map((measure) => h('option', { value: measure.key, selected: measure.key === this.measure.key }, measure.label)),
    );
    this.element = h(
      'section',
      { class: 'card kpi-heatmap', id: 'kpi-heatmap' },
      h('header', { class: 'section-header' }, h('h2', {}, 'Heatmap'), h('label', { class: 'inline' }, 'Colour by', this.picker)),
      this.legend,
      this.viewer.element,
    );
  }

  get measureKey(): string {
    return this.measure.key;
  }

  /** Shows the diagram (again only when it changed); the container must be in the document, to fit it. */
  async show(xml: string): Promise<void> {
    if (xml === this.shownXml) return;
    this.marked = [];
    await this.viewer.show(xml);
    this.shownXml = xml;
  }

  has(elementId: string): boolean {
    return this.viewer.has(elementId);
  }

  nameOf(elementId: string): string {
    return this.viewer.nameOf(elementId);
  }

  /** Colours the diagram by the current measure over these elements' KPIs. */
  paint(elements: ElementKpi[]): void {
    this.elements = elements;
    this.clear();
    const shown = elements.filter((element) => this.viewer.has(element.elementId));
    const values = shown.map((element) => this.measure.value(element)).filter((value): value is number => value !== null);
    const max = values.length === 0 ? null : Math.max(...values);
    for (const element of shown) {
      const value = this.measure.value(element);
      const level = heatLevel(value, max ?? 0);
      const marker = level === null ? 'heat-none' : `heat-${level}`;
      this.viewer.mark(element.elementId, marker);
      this.marked.push(element.elementId);
      this.viewer.overlay(element.elementId, OVERLAY_TYPE, badge(element, this.measure, value, marker));
    }
    replace(this.legend, heatLegend(this.measure, max));
  }

  destroy(): void {
    this.viewer.destroy();
  }

  private pick(key: string): void {
    this.measure = heatMeasure(key);
    this.paint(this.elements);
    this.onMeasure(this.measure);
  }

  private clear(): void {
    for (const id of this.marked) {
      for (const marker of [...HEAT_LEVELS.map((level) => `heat-${level}`), 'heat-none']) this.viewer.unmark(id, marker);
    }
    this.marked = [];
    this.viewer.clearOverlays(OVERLAY_TYPE);
  }
}

function badge(element: ElementKpi, measure: HeatMeasure, value: number | null, marker: string): HTMLElement {
  return h(
    'div',
    { class: `heat-badge ${marker}`, dataset: { elementId: element.elementId, measure: measure.key }, title: allNumbers(element) },
    value === null ? '—' : measure.format(value),
  );
}

/** Every number of the element, for the badge's tooltip. */
function allNumbers(element: ElementKpi): string {
  const time = element.timeInActivity;
  return [
    element.elementName ?? element.elementId,
    `entered ${formatCount(element.entered)}, completed ${formatCount(element.completed)}, in flight ${formatCount(element.inFlight)}, dropped ${formatCount(element.dropped)}`,
    time ? `time p50 ${formatDuration(time.p50Ms)}, p95 ${formatDuration(time.p95Ms)} (${formatCount(time.samples)} timed)` : 'not timed',
  ].join('\n');
}
