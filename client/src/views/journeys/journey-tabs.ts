import type { Journey } from '../../api/types';
import { h } from '../../ui/dom';

export type JourneyTab = 'overview' | 'model' | 'instances' | 'kpis';

const TABS: { tab: JourneyTab; label: string; path: string }[] = [
  { tab: 'overview', label: 'Overview', path: '' },
  { tab: 'model', label: 'Model', path: '/model' },
  { tab: 'instances', label: 'Instances', path: '/instances' },
  { tab: 'kpis', label: 'KPIs', path: '/kpis' },
];

/** The header of every journey screen: its name and the tabs between them. */
export function journeyTabs(journey: Journey, active: JourneyTab): HTMLElement {
  return h(
    'header',
    { class: 'page-header journey-header' },
    h('h1', {}, h('a', { href: '#/journeys', class: 'crumb' }, 'Journeys'), ' / ', journey.name, journey.archived ? h('span', { class: 'badge' }, 'archived') : null),
    h(
      'nav',
      { class: 'tabs' },
      TABS.map(({ tab, label, path }) => h('a', { href: `#/journeys/${journey.id}${path}`, class: tab === active ? 'active' : '', dataset: { tab } }, label)),
    ),
  );
}
