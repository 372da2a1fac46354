import type { ElementModel, VariableMapping } from '../model';
import { attr, children, extensions, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { expressionSource, readExpression } from '../read-value';

const TARGET_PATH = /^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$/;

/**
 * Reads `zeebe:ioMapping` into input and output mappings, in document order. As in Zeebe, a
 * static input source is a string constant (turned into a FEEL string literal here), an output
 * source must be an expression, and targets must be variable paths (`a.b.c`).
 */
export function readIoMappings(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  const inputs: VariableMapping[] = [];
  const outputs: VariableMapping[] = [];
  for (const ioMapping of extensions(element, 'zeebe:IoMapping')) {
    for (const input of children(ioMapping, 'inputParameters')) {
      const target = readTarget(ctx, model.id, input);
      const source = readInputSource(ctx, model.id, attr(input, 'source'));
      if (target !== undefined) inputs.push(source === undefined ? { target } : { source, target });
    }
    for (const output of children(ioMapping, 'outputParameters')) {
      const target = readTarget(ctx, model.id, output);
      const raw = attr(output, 'source');
      if (!isPresent(raw)) ctx.report(model.id, Problems.expressionMissing);
      const source = isPresent(raw) ? readExpression(ctx, model.id, raw) : undefined;
      if (target !== undefined && source !== undefined) outputs.push({ source, target });
    }
  }
  if (inputs.length > 0) model.inputMappings = inputs;
  if (outputs.length > 0) model.outputMappings = outputs;
}

function readTarget(ctx: ParseContext, elementId: string, mapping: ModdleElement): string | undefined {
  const target = attr(mapping, 'target');
  if (!isPresent(target)) {
    ctx.report(elementId, Problems.pathMissing);
    return undefined;
  }
  if (!TARGET_PATH.test(target)) {
    ctx.report(elementId, Problems.invalidPath(target));
    return undefined;
  }
  return target;
}

/** A missing input source maps to null at run time, so it stays undefined. */
function readInputSource(ctx: ParseContext, elementId: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const source = expressionSource(raw);
  if (source === undefined) return stringLiteral(raw);
  return readExpression(ctx, elementId, raw);
}

/** Zeebe's encoding of a static input source: the text in double quotes, quotes escaped. */
function stringLiteral(value: string): string {
  return `"${value.replace(/"/g, '\\"')}"`;
}
