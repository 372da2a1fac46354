import type { SignalDefinition } from '../model';
import { attr, child, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readValue } from '../read-value';

/** Reads the signal of a signal event definition; a nameless signal is reported on the signal. */
export function readSignal(ctx: ParseContext, elementId: string, definition: ModdleElement): SignalDefinition | undefined {
  const signal = child(definition, 'signalRef');
  if (!signal) {
    if (ctx.isMissingReference(definition, 'signalRef')) ctx.report(elementId, Problems.mustReferenceSignal);
    return undefined;
  }
  const rawName = attr(signal, 'name');
  if (!isPresent(rawName)) {
    ctx.report(signal.id, Problems.nameRequired);
    return undefined;
  }
  const name = readValue(ctx, signal.id, rawName);
  return name && { name };
}
