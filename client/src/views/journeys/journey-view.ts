import { get } from '../../api/api-client';
import type { Journey, JourneyVersionSummary, VersionDiff } from '../../api/types';
import type { View } from '../../router';
import { append, formatTime, h } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import { journeyTabs } from './journey-tabs';

/** One journey: what it is, its versions (who, when, what changed, valid, live) and where to go next. */
export class JourneyView implements View {
  constructor(private readonly journeyId: string) {}

  async mount(container: HTMLElement): Promise<void> {
    try {
      const [journey, versions] = await Promise.all([
        get<Journey>(`/journeys/${this.journeyId}`),
        get<JourneyVersionSummary[]>(`/journeys/${this.journeyId}/versions`),
      ]);
      append(container, [
        journeyTabs(journey, 'overview'),
        h(
          'section',
          { class: 'card' },
          h('dl', { class: 'facts' }, fact('Process id', h('code', {}, journey.processId)), fact('Live version', journey.liveVersion === null ? 'none deployed' : `v${journey.liveVersion}`), fact('Re-entry', journey.reentry.replace('_', ' ')), fact('Goal', goalText(journey)), fact('KPI listeners', journey.kpiListeners.enabled ? journey.kpiListeners.jobType : 'off'), fact('Created', `${formatTime(journey.createdAt)} by ${journey.createdBy.name}`)),
          journey.description ? h('p', {}, journey.description) : null,
        ),
        h('h2', {}, 'Versions'),
        versions.length === 0 ? h('p', { class: 'muted' }, 'No version yet: open the modeller to draw the first one.') : versionTable(journey, versions),
      ]);
    } catch (error) {
      container.append(errorBox(error));
    }
  }
}

function fact(term: string, description: Node | string): Node[] {
  return [h('dt', {}, term), h('dd', {}, description)];
}

function goalText(journey: Journey): string {
  if (!journey.goal) return 'none';
  return journey.goal.type === 'end_event' ? `reaching end event ${journey.goal.endEventId}` : `message ${journey.goal.messageName}`;
}

function versionTable(journey: Journey, versions: JourneyVersionSummary[]): HTMLElement {
  return h(
    'table',
    { class: 'list', id: 'versions' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Author'), h('th', {}, 'Created'), h('th', {}, 'Validation'), h('th', {}, 'Changes'), h('th', {}, 'Deployed'))),
    h(
      'tbody',
      {},
      [...versions].reverse().map((version) =>
        h(
          'tr',
          { dataset: { version: String(version.version) } },
          h('td', {}, h('a', { href: `#/journeys/${journey.id}/model?version=${version.version}` }, `v${version.version}`), version.live ? h('span', { class: 'badge live' }, 'live') : null),
          h('td', {}, version.author.name),
          h('td', {}, formatTime(version.createdAt)),
          h('td', { class: version.validation.valid ? 'ok' : 'bad' }, version.validation.valid ? `valid${version.validation.warningCount ? `, ${version.validation.warningCount} warnings` : ''}` : `${version.validation.errorCount} errors`),
          h('td', {}, diffText(version.diff)),
          h('td', {}, version.lastDeployment ? `${formatTime(version.lastDeployment.deployedAt)} by ${version.lastDeployment.deployedBy.name}` : '—'),
        ),
      ),
    ),
  );
}

/** "2 elements added, 1 changed, 3 flows added" — what the version changed from its predecessor. */
export function diffText(diff: VersionDiff | null): string {
  if (!diff) return 'first version';
  if (diff.identical) return `identical to v${diff.previousVersion}`;
  if (diff.unchanged) return `layout only (v${diff.previousVersion})`;
  const parts: string[] = [];
  const count = (n: number, what: string, how: string) => n > 0 && parts.push(`${n} ${what}${n === 1 ? '' : 's'} ${how}`);
  count(diff.elements.added.length, 'element', 'added');
  count(diff.elements.removed.length, 'element', 'removed');
  count(diff.elements.changed.length, 'element', 'changed');
  count(diff.flows.added.length, 'flow', 'added');
  count(diff.flows.removed.length, 'flow', 'removed');
  count(diff.flows.changed.length, 'flow', 'changed');
  return parts.join(', ') || `no change from v${diff.previousVersion}`;
}
