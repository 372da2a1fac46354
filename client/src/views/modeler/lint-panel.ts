import type { ValidationProblem, ValidationSummary } from '../../api/types';
import { h, replace } from '../../ui/dom';
import { errorBox } from '../../ui/error-box';
import type { JourneyModeler } from './journey-modeler';

export type Validation = ValidationSummary & { problems: ValidationProblem[] };

const OVERLAY = 'lint';
const MARKERS = ['lint-error', 'lint-warn'] as const;
const DEBOUNCE_MS = 500;

/**
 * Live validation: after each change (debounced) the diagram goes to the service's lint — the
 * same bpmnlint rules and Camunda 8 checks a deploy runs, so what passes here deploys — and
 * the problems show as a list (click one to select its element) and as badges on the diagram.
 */
export class LintPanel {
  readonly element: HTMLElement = h('section', { class: 'lint-panel', id: 'lint', 'aria-live': 'polite' });
  private timer?: number;
  private sequence = 0;
  private marked: string[] = [];
  /** The last result shown, or null before the first. */
  current: Validation | null = null;

  constructor(
    private readonly modeler: JourneyModeler,
    private readonly lint: (xml: string) => Promise<Validation>,
  ) {}

  /** Lints again shortly, once the changes pause. */
  schedule(): void {
    window.clearTimeout(this.timer);
    this.element.classList.add('pending');
    this.timer = window.setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  async run(): Promise<void> {
    window.clearTimeout(this.timer);
    const sequence = ++this.sequence;
    this.element.classList.add('pending');
    try {
      const validation = await this.lint(await this.modeler.xml());
      // A slower answer to an older diagram must not replace a newer one.
      if (sequence === this.sequence) this.show(validation);
    } catch (error) {
      if (sequence === this.sequence) replace(this.element, errorBox(error));
    } finally {
      if (sequence === this.sequence) this.element.classList.remove('pending');
    }
  }

  /** Shows a validation (also a deploy's refusal, which lists the same problems). */
  show(validation: Validation): void {
    this.current = validation;
    this.modeler.clearOverlays(OVERLAY);
    for (const id of this.marked) for (const marker of MARKERS) this.modeler.unmark(id, marker);
    this.marked = [];
    const byElement = new Map<string, ValidationProblem[]>();
    for (const problem of validation.problems) byElement.set(problem.elementId, [...(byElement.get(problem.elementId) ?? []), problem]);
    for (const [elementId, problems] of byElement) {
      const worst = problems.some((problem) => problem.category === 'error') ? 'error' : 'warn';
      this.modeler.mark(elementId, `lint-${worst}`);
      this.marked.push(elementId);
      this.modeler.overlay(elementId, OVERLAY, h('span', { class: `lint-badge ${worst}`, title: problems.map((p) => p.message).join('\n'), dataset: { elementId } }, String(problems.length)));
    }
    replace(
      this.element,
      h(
        'header',
        {},
        h('strong', { class: validation.errorCount > 0 ? 'error' : '' }, summary(validation)),
        h('span', { class: 'muted' }, ` · ${validation.ruleset}`),
      ),
      validation.problems.length === 0
        ? null
        : h(
            'ul',
            {},
            validation.problems.map((problem) =>
              h(
                'li',
                { class: `problem ${problem.category}`, dataset: { elementId: problem.elementId, rule: problem.rule } },
                h(
                  'button',
                  { type: 'button', class: 'link', onClick: () => this.modeler.focus(problem.elementId) },
                  this.modeler.has(problem.elementId) ? this.modeler.nameOf(problem.elementId) : problem.elementId,
                ),
                ` ${problem.message} `,
                h('code', { class: 'muted' }, problem.rule),
              ),
            ),
          ),
    );
  }

  destroy(): void {
    window.clearTimeout(this.timer);
    this.sequence++;
  }
}

function summary(validation: Validation): string {
  if (validation.problems.length === 0) return 'No problems: ready to deploy';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [validation.errorCount > 0 ? plural(validation.errorCount, 'error') : null, validation.warningCount > 0 ? plural(validation.warningCount, 'warning') : null]
    .filter(Boolean)
    .join(', ') || plural(validation.problems.length, 'note');
}
