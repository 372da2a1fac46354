import type { ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import type { UnresolvedReference } from '../read-definitions';

/**
 * The references the engine follows. Others are only bookkeeping for modelers (`incoming` and
 * `outgoing` children, lane members…); a stale one changes nothing at run time. Sequence flow
 * ends are reported by the sequence flow reader, in Zeebe's words.
 */
const FOLLOWED = new Set(['messageRef', 'errorRef', 'escalationRef', 'signalRef', 'attachedToRef', 'default']);

/**
 * Reports references to ids that do not exist (a `messageRef`, a boundary event's
 * `attachedToRef`, a gateway's `default`, …) inside executable processes. Diagram
 * interchange and non-executable processes are not run, so they are left alone.
 */
export function reportUnresolvedReferences(ctx: ParseContext, references: readonly UnresolvedReference[]): void {
  for (const { element, property, id } of references) {
    if (!FOLLOWED.has(property)) continue;
    if (!isInExecutableProcess(element)) continue;
    ctx.report(owningElementId(element), Problems.unresolvedReference(property, id));
  }
}

function isInExecutableProcess(element: ModdleElement): boolean {
  for (let current: ModdleElement | undefined = element; current; current = current.$parent) {
    if (current.$type === 'bpmn:Process') return current.isExecutable === true;
  }
  return false;
}

/** Event definitions rarely carry ids users recognise; the event that holds them does. */
function owningElementId(element: ModdleElement): string | undefined {
  for (let current: ModdleElement | undefined = element; current; current = current.$parent) {
    if (current.id && !current.$type.endsWith('EventDefinition')) return current.id;
  }
  return undefined;
}
