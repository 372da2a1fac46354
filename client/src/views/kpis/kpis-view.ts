import { get } from '../../api/api-client';
import type { Journey, JourneyVersionSummary } from '../../api/types';
import type { View } from '../../router';
import { append, h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import { journeyTabs } from '../journeys/journey-tabs';
import { abComparison } from './ab-comparison';
import { dailyChart } from './daily-chart';
import { funnelTable } from './funnel-table';
import { KpiFilterBar } from './kpi-filter-bar';
import { KpiHeatmap } from './kpi-heatmap';
import { type KpiData, loadDiagram, loadKpis } from './kpi-loader';
import { filtersFromQuery, type KpiFilters, rangeProblem, screenPath } from './kpi-query';
import { summaryCards } from './summary-cards';

/**
 * The KPIs of a journey version: summary cards, a heatmap on the diagram, the funnel per
 * element, the daily series and the A/B comparison, for the filters chosen (kept in the address).
 * `data-state` on the screen says whether the numbers shown are those of the filters.
 */
export class KpisView implements View {
  private readonly screen = h('div', { class: 'kpis', id: 'kpis', dataset: { state: 'loading' } });
  private readonly status = h('div', {});
  private readonly summary = h('div', {});
  private readonly funnel = h('div', {});
  private readonly daily = h('div', {});
  private readonly ab = h('div', {});
  private heatmap?: KpiHeatmap;
  private filters?: KpiFilters;
  private diagramVersion: number | null = null;
  /** Counts the loads, so that an answer to filters changed since is dropped. */
  private generation = 0;

  constructor(
    private readonly journeyId: string,
    private readonly query: URLSearchParams,
  ) {}

  async mount(container: HTMLElement): Promise<void> {
    container.append(this.screen);
    try {
      const [journey, versions] = await Promise.all([
        get<Journey>(`/journeys/${encodeURIComponent(this.journeyId)}`),
        get<JourneyVersionSummary[]>(`/journeys/${encodeURIComponent(this.journeyId)}/versions`),
      ]);
      this.screen.append(journeyTabs(journey, 'kpis'));
      if (versions.length === 0) {
        this.screen.append(h('p', { class: 'muted' }, 'No version yet: draw and deploy one in the modeller, then its KPIs show here.'));
        this.screen.dataset.state = 'ready';
        return;
      }
      const filters = filtersFromQuery(this.query, journey.liveVersion ?? versions.at(-1)!.version);
      const bar = new KpiFilterBar(versions, filters, (changed) => void this.load(changed, bar));
      this.heatmap = new KpiHeatmap(this.query.get('measure'), () => this.remember());
      append(this.screen, [
        bar.element,
        captureNote(journey),
        this.status,
        this.summary,
        this.heatmap.element,
        section('Funnel', 'kpi-funnel-section', this.funnel),
        section('Instances per day', 'kpi-daily-section', this.daily),
        section('A/B comparison', 'kpi-ab-section', this.ab),
      ]);
      await this.load(filters, bar);
    } catch (error) {
      this.screen.append(errorBox(error));
      this.screen.dataset.state = 'error';
    }
  }

  unmount(): void {
    this.generation += 1;
    this.heatmap?.destroy();
  }

  private async load(filters: KpiFilters, bar: KpiFilterBar): Promise<void> {
    const generation = ++this.generation;
    this.filters = filters;
    this.remember();
    const problem = rangeProblem(filters);
    if (problem) return this.fail(new Error(problem));
    this.screen.dataset.state = 'loading';
    replace(this.status, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const version = filters.version;
      const [data, xml] = await Promise.all([loadKpis(this.journeyId, filters), version !== null && version !== this.diagramVersion ? loadDiagram(this.journeyId, version) : undefined]);
      if (generation !== this.generation) return;
      if (xml !== undefined) {
        await this.heatmap!.show(xml);
        this.diagramVersion = version;
      }
      bar.setVariants(data.all.variants.map((variant) => variant.variant));
      this.render(data);
      replace(this.status);
      this.screen.dataset.state = 'ready';
    } catch (error) {
      if (generation === this.generation) this.fail(error);
    }
  }

  private render({ all, selected, daily }: KpiData): void {
    const heatmap = this.heatmap!;
    replace(this.summary, summaryCards(selected.instances, selected.goalElementIds.some((id) => heatmap.has(id))));
    heatmap.paint(selected.elements);
    replace(this.funnel, funnelTable(selected.elements, (element) => element.elementName ?? heatmap.nameOf(element.elementId)));
    replace(this.daily, daily instanceof Error ? errorBox(daily) : dailyChart(daily.days));
    replace(this.ab, selected.variant === null ? null : h('p', { class: 'muted' }, 'Over every variant: the variant filter does not apply here.'), abComparison(all.variants));
  }

  /** Numbers of other filters must not stay next to an error about these. */
  private fail(error: unknown): void {
    for (const part of [this.summary, this.funnel, this.daily, this.ab]) replace(part);
    this.heatmap?.paint([]);
    replace(this.status, errorBox(error));
    this.screen.dataset.state = 'error';
  }

  /** Keeps the filters and the measure in the address without routing again. */
  private remember(): void {
    if (!this.filters || !this.heatmap) return;
    history.replaceState(history.state, '', `#${screenPath(this.journeyId, this.filters, this.heatmap.measureKey)}`);
  }
}

function section(title: string, id: string, body: HTMLElement): HTMLElement {
  return h('section', { class: 'card', id }, h('h2', {}, title), body);
}

/** Why a journey may show no numbers at all. */
function captureNote(journey: Journey): HTMLElement | null {
  if (!journey.kpiListeners.enabled) return h('p', { class: 'muted' }, 'KPI listeners are off for this journey: its instances are not counted.');
  if (!journey.kpiListeners.defaultJobType) return h('p', { class: 'muted' }, `KPI listener jobs of this journey (${journey.kpiListeners.jobType}) are for a worker elsewhere: Travesía does not count them.`);
  return null;
}
