import { ApiError, get, post } from '../../api/api-client';
import type { Deployment, Journey, JourneyVersion, JourneyVersionSummary, ValidationProblem } from '../../api/types';
import type { View } from '../../router';
import { session } from '../../session';
import { append, h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import { journeyTabs } from '../journeys/journey-tabs';
import { diffText } from '../journeys/journey-view';
import { blankDiagram } from './blank-diagram';
import { JourneyModeler } from './journey-modeler';
import { LintPanel, type Validation } from './lint-panel';

interface Sample {
  file: string;
  name: string;
  processId: string;
  bpmnXml: string;
}

/**
 * The analyst's modeller: the journey's diagram (a version, by default the latest), the
 * properties panel with the touchpoint templates, live lint, and saving a new version and
 * deploying it. Owners see the same diagram without the saving.
 */
export class ModelerView implements View {
  private modeler?: JourneyModeler;
  private lint?: LintPanel;
  private journey!: Journey;
  private versions: JourneyVersionSummary[] = [];
  /** The version the canvas shows (saved), or null for a diagram not saved yet. */
  private version: JourneyVersion | null = null;
  private dirty = false;
  /** Analysts may save and deploy (and lint drafts); everyone else reads. */
  private canEdit = false;
  private readonly status = h('span', { class: 'status', id: 'modeler-status', role: 'status' });
  private readonly message = h('div', { id: 'modeler-message' });
  private readonly versionSelect = h('select', { id: 'version-select', 'aria-label': 'Version' });
  private readonly saveButton = h('button', { type: 'button', class: 'primary', id: 'save-version', onClick: () => void this.save() }, 'Save version');
  private readonly deployButton = h('button', { type: 'button', id: 'deploy-version', onClick: () => void this.deploy() }, 'Deploy');

  constructor(
    private readonly journeyId: string,
    private readonly requestedVersion: number | null,
  ) {}

  async mount(container: HTMLElement): Promise<void> {
    try {
      const [journey, versions, templates, samples] = await Promise.all([
        get<Journey>(`/journeys/${this.journeyId}`),
        get<JourneyVersionSummary[]>(`/journeys/${this.journeyId}/versions`),
        get<unknown[]>('/modeling/element-templates'),
        get<Sample[]>('/modeling/samples'),
      ]);
      this.journey = journey;
      this.versions = versions;
      const number = this.requestedVersion ?? journey.latestVersion;
      this.version = number === null ? null : await get<JourneyVersion>(`/journeys/${journey.id}/versions/${number}`);

      const canvas = h('div', { class: 'modeler-canvas', id: 'canvas' });
      const panel = h('aside', { class: 'modeler-panel', id: 'properties' });
      const canEdit = (this.canEdit = session.can('analyst') && !journey.archived);
      append(container, [
        journeyTabs(journey, 'model'),
        h(
          'div',
          { class: 'toolbar' },
          this.versionSelect,
          canEdit ? [this.saveButton, this.deployButton, this.importButton(), samples.length > 0 && !this.version ? this.sampleSelect(samples) : null] : null,
          h('button', { type: 'button', id: 'download', onClick: () => void this.download() }, 'Download .bpmn'),
          this.status,
        ),
        this.message,
        h('div', { class: 'modeler' }, canvas, panel),
      ]);
      this.modeler = new JourneyModeler(canvas, panel, templates);
      this.lint = new LintPanel(this.modeler, (bpmnXml) => post<Validation>(`/journeys/${journey.id}/lint`, { bpmnXml }));
      container.append(this.lint.element);
      this.modeler.onChange(() => {
        this.dirty = true;
        this.refresh();
        if (this.canEdit) this.lint?.schedule();
      });
      (window as unknown as { travesiaModeler?: JourneyModeler }).travesiaModeler = this.modeler;
      this.versionSelect.addEventListener('change', () => void this.switchTo(Number(this.versionSelect.value)));
      await this.open(this.version?.bpmnXml ?? blankDiagram(journey.processId, journey.name));
    } catch (error) {
      container.append(errorBox(error));
    }
  }

  unmount(): void {
    this.lint?.destroy();
    this.modeler?.destroy();
    delete (window as unknown as { travesiaModeler?: JourneyModeler }).travesiaModeler;
  }

  private async open(xml: string): Promise<void> {
    const warnings = await this.modeler!.open(xml);
    this.dirty = false;
    replace(this.message, warnings.length > 0 ? h('div', { class: 'notice' }, `The diagram was read with ${warnings.length} warning(s): ${warnings.slice(0, 3).join('; ')}`) : null);
    this.refresh();
    // Readers see the validation stored with the version; analysts get it live, as they edit.
    if (this.canEdit) await this.lint!.run();
    else if (this.version) this.lint!.show(this.version.validation);
  }

  private async switchTo(number: number): Promise<void> {
    if (this.dirty && !window.confirm('Discard the unsaved changes?')) {
      this.refresh();
      return;
    }
    this.version = await get<JourneyVersion>(`/journeys/${this.journey.id}/versions/${number}`);
    history.replaceState(null, '', `#/journeys/${this.journey.id}/model?version=${number}`);
    await this.open(this.version.bpmnXml);
  }

  /** POST …/versions: the diagram as it is becomes the next version (its validation comes back with it). */
  private async save(): Promise<void> {
    this.busy('Saving…');
    try {
      const bpmnXml = await this.modeler!.xml();
      const saved = await post<JourneyVersion>(`/journeys/${this.journey.id}/versions`, { bpmnXml });
      this.version = saved;
      this.versions = await get<JourneyVersionSummary[]>(`/journeys/${this.journey.id}/versions`);
      this.journey = { ...this.journey, latestVersion: saved.version };
      this.dirty = false;
      history.replaceState(null, '', `#/journeys/${this.journey.id}/model?version=${saved.version}`);
      this.lint!.show(saved.validation);
      this.done(`Saved v${saved.version}${saved.validation.valid ? '' : ` with ${saved.validation.errorCount} error(s): fix them before deploying`}. ${diffText(saved.diff)}.`);
    } catch (error) {
      this.failed(error);
    }
  }

  /** POST …/versions/:v/deploy through the engine; a refusal shows its problems in the lint panel. */
  private async deploy(): Promise<void> {
    if (!this.version) return;
    this.busy(`Deploying v${this.version.version}…`);
    try {
      const deployment = await post<Deployment>(`/journeys/${this.journey.id}/versions/${this.version.version}/deploy`);
      this.journey = { ...this.journey, liveVersion: deployment.version };
      this.versions = await get<JourneyVersionSummary[]>(`/journeys/${this.journey.id}/versions`);
      this.done(`v${deployment.version} is live (process definition ${deployment.processDefinitionKey}, engine version ${deployment.zeebeVersion}).`);
    } catch (error) {
      const problems = error instanceof ApiError ? (error.body as { problems?: ValidationProblem[] } | undefined)?.problems : undefined;
      if (problems && this.lint?.current) this.lint.show({ ...this.lint.current, valid: false, problems, errorCount: problems.filter((p) => p.category === 'error').length });
      this.failed(error);
    }
  }

  private async download(): Promise<void> {
    const xml = await this.modeler!.xml();
    const link = h('a', { href: URL.createObjectURL(new Blob([xml], { type: 'application/xml' })), download: `${this.journey.processId}${this.version ? `-v${this.version.version}` : ''}.bpmn` });
    link.click();
    URL.revokeObjectURL(link.href);
  }

  private importButton(): HTMLElement {
    const input = h('input', {
      type: 'file',
      accept: '.bpmn,.xml,application/xml,text/xml',
      id: 'import-file',
      class: 'visually-hidden',
      onChange: async () => {
        const file = input.files?.[0];
        input.value = '';
        if (!file) return;
        await this.replaceDiagram(await file.text(), `Imported ${file.name}: save it to keep it as a version.`);
      },
    });
    return h('label', { class: 'button' }, 'Import .bpmn', input);
  }

  private sampleSelect(samples: Sample[]): HTMLElement {
    return h(
      'select',
      {
        id: 'sample-select',
        'aria-label': 'Start from a sample',
        onChange: async (event: Event) => {
          const sample = samples.find((s) => s.file === (event.target as HTMLSelectElement).value);
          if (sample) await this.replaceDiagram(withProcessId(sample.bpmnXml, sample.processId, this.journey.processId), `Started from the sample ${sample.name}: save it to keep it.`);
        },
      },
      h('option', { value: '' }, 'Start from a sample…'),
      samples.map((sample) => h('option', { value: sample.file }, sample.name)),
    );
  }

  /** A diagram from elsewhere (a file, a sample) replaces the canvas, unsaved. */
  private async replaceDiagram(xml: string, note: string): Promise<void> {
    if (this.dirty && !window.confirm('Discard the unsaved changes?')) return;
    try {
      await this.open(xml);
      this.dirty = true;
      this.refresh();
      this.done(note);
    } catch (error) {
      this.failed(error);
    }
  }

  private refresh(): void {
    replace(
      this.versionSelect,
      this.versions.length === 0 ? h('option', { value: '' }, 'not saved yet') : null,
      [...this.versions].reverse().map((v) => h('option', { value: String(v.version), selected: v.version === this.version?.version }, `v${v.version}${v.live ? ' (live)' : ''}${v.validation.valid ? '' : ' ⚠'}`)),
    );
    this.versionSelect.disabled = this.versions.length === 0;
    this.saveButton.disabled = !this.dirty && this.version !== null;
    const deployable = this.version !== null && !this.dirty && this.version.validation.valid && this.journey.liveVersion !== this.version.version;
    this.deployButton.disabled = !deployable;
    this.deployButton.textContent = this.version ? `Deploy v${this.version.version}` : 'Deploy';
    this.deployButton.title = this.dirty ? 'Save the changes first' : this.version && !this.version.validation.valid ? 'This version has errors' : '';
    if (this.dirty) replace(this.status, 'Unsaved changes');
    else if (this.version) replace(this.status, this.journey.liveVersion === this.version.version ? `v${this.version.version} · live` : `v${this.version.version}`);
    else replace(this.status, 'New diagram');
  }

  private busy(text: string): void {
    this.saveButton.disabled = true;
    this.deployButton.disabled = true;
    replace(this.message, h('div', { class: 'notice' }, text));
  }

  private done(text: string): void {
    this.refresh();
    replace(this.message, h('div', { class: 'notice ok' }, text));
  }

  private failed(error: unknown): void {
    this.refresh();
    replace(this.message, errorBox(error));
  }
}

/** A sample's diagram under the journey's process id (a journey is one bpmnProcessId). */
function withProcessId(xml: string, from: string, to: string): string {
  return xml.replaceAll(`id="${from}"`, `id="${to}"`).replaceAll(`bpmnElement="${from}"`, `bpmnElement="${to}"`);
}
