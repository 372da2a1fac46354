import { buildProcess, checkedId } from './build-process';
import type { ProcessModel, ValidationProblem } from './model';
import { children, type ModdleElement } from './moddle-element';
import { ParseContext, type CheckExpression } from './parse-context';
import { Problems } from './problem-messages';
import { readDefinitions } from './read-definitions';
import { reportUnresolvedReferences } from './validation/report-unresolved-references';
import { validateMessageStartEvents } from './validation/validate-message-start-events';

/** Options of {@link parseBpmn}. */
export interface ParseBpmnOptions {
  /**
   * Validates one FEEL expression, given without Zeebe's leading `=`. Returns an error message
   * (reported as is, on the element holding the expression) or null when the expression is
   * valid. Called for every expression in the resource.
   */
  checkExpression: CheckExpression;
}

/** The result of {@link parseBpmn}. */
export interface ParseBpmnResult {
  /** One model per executable process, in document order. */
  processes: ProcessModel[];
  /**
   * Everything wrong with the resource, all at once. When it is not empty the resource must
   * be rejected; `processes` is then best effort and must not be deployed.
   */
  problems: ValidationProblem[];
}

/**
 * Parses a BPMN 2.0 XML resource with Zeebe extensions into executable process models and
 * validates it the way Zeebe does at deploy. Never throws for bad input: malformed XML,
 * unsupported elements, missing Zeebe extensions and invalid FEEL all become problems, each
 * with the id of the element it concerns.
 */
export async function parseBpmn(xml: string, options: ParseBpmnOptions): Promise<ParseBpmnResult> {
  const read = await readDefinitions(xml);
  const ctx = new ParseContext(options.checkExpression, read.unresolved);
  for (const problem of read.problems) ctx.report(problem.elementId, problem.message);
  if (!read.definitions) return { processes: [], problems: ctx.problems };

  reportUnresolvedReferences(ctx, read.unresolved);
  const executable = executableProcesses(read.definitions);
  if (executable.length === 0) ctx.report(read.definitions.id, Problems.noExecutableProcess);
  const processes: ProcessModel[] = [];
  for (const process of executable) {
    const id = checkedId(ctx, process);
    if (id !== undefined) processes.push(buildProcess(ctx, process, id));
  }
  validateMessageStartEvents(ctx, executable);
  return { processes, problems: ctx.problems };
}

/** Processes are root elements, also in collaboration diagrams (participants only point at them). */
function executableProcesses(definitions: ModdleElement): ModdleElement[] {
  return children(definitions, 'rootElements').filter(
    (element) => element.$type === 'bpmn:Process' && element.isExecutable === true,
  );
}
