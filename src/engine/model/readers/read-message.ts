import type { MessageDefinition } from '../model';
import { attr, child, extensions, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readExpression, readValue } from '../read-value';

/**
 * Reads the message an element waits for (`messageRef` of an event definition or receive task).
 * Catching elements also need `zeebe:subscription correlationKey`, an expression; message start
 * events of a process do not (every message starts an instance). Problems with the message
 * itself are reported on the `bpmn:message` element, as Zeebe does.
 */
export function readMessage(
  ctx: ParseContext,
  elementId: string,
  owner: ModdleElement,
  options: { subscription: boolean },
): MessageDefinition | undefined {
  const message = child(owner, 'messageRef');
  if (!message) {
    if (ctx.isMissingReference(owner, 'messageRef')) ctx.report(elementId, Problems.mustReferenceMessage);
    return undefined;
  }
  const rawName = attr(message, 'name');
  if (!isPresent(rawName)) ctx.report(message.id, Problems.nameRequired);
  const name = isPresent(rawName) ? readValue(ctx, message.id, rawName) : undefined;
  if (!options.subscription) return name && { name };
  const correlationKey = readCorrelationKey(ctx, message);
  return name && correlationKey ? { name, correlationKey: { kind: 'expression', source: correlationKey } } : undefined;
}

function readCorrelationKey(ctx: ParseContext, message: ModdleElement): string | undefined {
  const subscriptions = extensions(message, 'zeebe:Subscription');
  if (subscriptions.length !== 1) {
    ctx.report(message.id, Problems.subscriptionRequired);
    return undefined;
  }
  const raw = attr(subscriptions[0], 'correlationKey');
  if (!isPresent(raw)) {
    ctx.report(message.id, Problems.attributeRequired('correlationKey'));
    return undefined;
  }
  return readExpression(ctx, message.id, raw);
}
