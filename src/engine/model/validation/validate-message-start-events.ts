import { attr, child, children, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';

/**
 * Message start events decide which process a published message starts, so across the
 * resource a message may start at most one of them, and within a process no two different
 * messages may share a name. Checked on the moddle elements, where message identity is known.
 */
export function validateMessageStartEvents(ctx: ParseContext, processes: readonly ModdleElement[]): void {
  const startsPerMessage = new Map<ModdleElement, number>();
  for (const process of processes) {
    const messages = new Set<ModdleElement>();
    for (const start of children(process, 'flowElements')) {
      if (start.$type !== 'bpmn:StartEvent') continue;
      for (const definition of children(start, 'eventDefinitions')) {
        const message = definition.$type === 'bpmn:MessageEventDefinition' ? child(definition, 'messageRef') : undefined;
        if (!message) continue;
        messages.add(message);
        startsPerMessage.set(message, (startsPerMessage.get(message) ?? 0) + 1);
      }
    }
    reportDuplicateNames(ctx, process, messages);
  }
  for (const [message, count] of startsPerMessage) {
    if (count > 1) ctx.report(message.id, Problems.messageStartReferredTwice);
  }
}

function reportDuplicateNames(ctx: ParseContext, process: ModdleElement, messages: ReadonlySet<ModdleElement>): void {
  const names = new Set<string>();
  for (const message of messages) {
    const name = attr(message, 'name');
    if (!isPresent(name)) continue;
    if (names.has(name)) ctx.report(process.id, Problems.duplicateMessage(name));
    names.add(name);
  }
}
