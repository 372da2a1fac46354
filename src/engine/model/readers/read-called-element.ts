import type { ElementModel } from '../model';
import { attr, extensions, flag, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readValue } from '../read-value';

/**
 * Reads `zeebe:calledElement` of a call activity. Both propagation flags default to true, as in
 * Zeebe: without mappings the child sees all parent variables and returns all of its own.
 */
export function readCalledElement(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  const calledElements = extensions(element, 'zeebe:CalledElement');
  if (calledElements.length !== 1) {
    ctx.report(model.id, Problems.exactlyOneExtension('calledElement'));
    return;
  }
  const calledElement = calledElements[0];
  const rawProcessId = attr(calledElement, 'processId');
  if (!isPresent(rawProcessId)) {
    ctx.report(model.id, Problems.attributeRequired('processId'));
    return;
  }
  const processId = readValue(ctx, model.id, rawProcessId);
  if (!processId) return;
  model.calledElement = {
    processId,
    propagateAllChildVariables: flag(calledElement, 'propagateAllChildVariables', true),
    propagateAllParentVariables: flag(calledElement, 'propagateAllParentVariables', true),
  };
}
