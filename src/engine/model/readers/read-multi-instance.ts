import type { ElementModel, MultiInstanceModel } from '../model';
import { attr, child, expressionBody, extensions, flag, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readExpression } from '../read-value';

/**
 * Reads `bpmn:multiInstanceLoopCharacteristics` with its `zeebe:loopCharacteristics`. The
 * activity keeps its own type; the engine wraps it in a multi-instance body at run time.
 */
export function readMultiInstance(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  const loop = child(element, 'loopCharacteristics');
  if (!loop) return;
  if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    ctx.report(model.id, Problems.unsupportedLoop);
    return;
  }
  const zeebeLoops = extensions(loop, 'zeebe:LoopCharacteristics');
  if (zeebeLoops.length !== 1) {
    ctx.report(model.id, Problems.exactlyOneExtension('loopCharacteristics'));
    return;
  }
  const zeebeLoop = zeebeLoops[0];
  const rawCollection = attr(zeebeLoop, 'inputCollection');
  if (!isPresent(rawCollection)) ctx.report(model.id, Problems.attributeRequired('inputCollection'));
  const inputCollection = isPresent(rawCollection) ? readExpression(ctx, model.id, rawCollection) : undefined;
  const outputCollection = presentOrUndefined(attr(zeebeLoop, 'outputCollection'));
  const rawOutputElement = presentOrUndefined(attr(zeebeLoop, 'outputElement'));
  if (outputCollection && !rawOutputElement) {
    ctx.report(model.id, Problems.outputPair('outputCollection', 'outputElement'));
  }
  if (rawOutputElement && !outputCollection) {
    ctx.report(model.id, Problems.outputPair('outputElement', 'outputCollection'));
  }
  const outputElement = rawOutputElement ? readExpression(ctx, model.id, rawOutputElement) : undefined;
  const rawCondition = expressionBody(loop, 'completionCondition');
  const completionCondition = isPresent(rawCondition) ? readExpression(ctx, model.id, rawCondition) : undefined;
  if (inputCollection === undefined) return;
  const multiInstance: MultiInstanceModel = { isSequential: flag(loop, 'isSequential', false), inputCollection };
  const inputElement = presentOrUndefined(attr(zeebeLoop, 'inputElement'));
  if (inputElement) multiInstance.inputElement = inputElement;
  if (outputCollection) multiInstance.outputCollection = outputCollection;
  if (outputElement) multiInstance.outputElement = outputElement;
  if (completionCondition) multiInstance.completionCondition = completionCondition;
  model.multiInstance = multiInstance;
}

function presentOrUndefined(value: string | undefined): string | undefined {
  return isPresent(value) ? value.trim() : undefined;
}
