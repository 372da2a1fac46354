import type { BpmnRuntime } from '../bpmn-runtime';
import type { ElementModel, ValueOrExpression } from '../model/model';
import { TENANT } from '../records/record';
import type { ElementInstance } from '../state/entities';

type ThrowKind = 'ERROR' | 'ESCALATION';

/** Where a thrown error or escalation is caught. */
export type CatchTarget =
  | { kind: 'boundary'; owner: ElementInstance; element: ElementModel }
  | { kind: 'event-subprocess'; scope: ElementInstance; element: ElementModel };

/**
 * Finds and runs the catch event for an error or an escalation: from the throwing element
 * outward, boundary events attached to each enclosing activity and event subprocesses of each
 * enclosing scope, across call activities into the calling process. At each level an event
 * with the exact code wins over a catch-all one.
 */
export class ErrorCatchBehavior {
  constructor(private readonly rt: BpmnRuntime) {}

  find(thrower: ElementInstance, kind: ThrowKind, code: string, seenCodes: string[] = []): CatchTarget | undefined {
    const { state } = this.rt;
    let current: ElementInstance | undefined = thrower;
    while (current) {
      const element = this.rt.elementOf(current);
      const scope: ElementInstance | undefined = current.flowScopeKey > 0 ? state.elements.get(current.flowScopeKey) : undefined;
      const innerOfMultiInstance = scope?.type === 'MULTI_INSTANCE_BODY' && scope.elementId === current.elementId;
      // A scope's own event subprocesses come before the boundary events attached to it.
      const candidates: { element: ElementModel; boundary: boolean }[] = [];
      if (current.type === 'PROCESS' || current.type === 'SUB_PROCESS' || current.type === 'EVENT_SUB_PROCESS') {
        for (const id of element.eventSubprocessStartIds ?? []) candidates.push({ element: this.model(current, id), boundary: false });
      }
      if (current.type !== 'PROCESS' && !innerOfMultiInstance) {
        for (const id of element.boundaryEventIds ?? []) candidates.push({ element: this.model(current, id), boundary: true });
      }
      const matching = candidates.filter((c) => c.element.eventType === kind);
      for (const c of matching) {
        const value = codeOf(c.element, kind);
        if (value?.kind === 'static') seenCodes.push(value.value);
      }
      const chosen = pick(matching, kind, code);
      if (chosen) {
        return chosen.boundary
          ? { kind: 'boundary', owner: current, element: chosen.element }
          : { kind: 'event-subprocess', scope: current, element: chosen.element };
      }
      if (scope) current = scope;
      else if (current.parentElementInstanceKey !== undefined && current.parentElementInstanceKey > 0) {
        current = state.elements.get(current.parentElementInstanceKey);
      } else current = undefined;
    }
    return undefined;
  }

  /**
   * Hands the event to its catch event. Interrupting catch events end what is inside first; a
   * non-interrupting one (escalations only) runs alongside. Returns whether the thrower was
   * terminated.
   */
  catch(target: CatchTarget, variables: Record<string, unknown>): boolean {
    const interrupting = target.element.interrupting !== false;
    if (target.kind === 'boundary') {
      this.rt.events.triggerBoundary(target.owner, target.element, variables, interrupting);
    } else {
      this.rt.events.triggerEventSubprocess(target.scope, target.element, variables, interrupting);
    }
    return interrupting;
  }

  writeEscalation(thrower: ElementInstance, code: string, target: CatchTarget | undefined): void {
    this.rt.state.log.append(
      'ESCALATION',
      target ? 'ESCALATED' : 'NOT_ESCALATED',
      this.rt.state.keys.next(),
      this.rt.now(),
      {
        processInstanceKey: thrower.processInstanceKey,
        escalationCode: code,
        throwElementId: thrower.elementId,
        catchElementId: target?.element.id ?? '',
        tenantId: TENANT,
      },
      thrower.processInstanceKey,
      thrower.elementId,
    );
  }

  private model(instance: ElementInstance, id: string): ElementModel {
    return this.rt.definitionOf(instance).model.elements.get(id)!;
  }
}

function codeOf(element: ElementModel, kind: ThrowKind): ValueOrExpression | undefined {
  return kind === 'ERROR' ? element.error?.errorCode : element.escalation?.escalationCode;
}

/** The exact code first, else a catch-all (no code). Catch codes are static in Zeebe. */
function pick<T extends { element: ElementModel }>(candidates: T[], kind: ThrowKind, code: string): T | undefined {
  const exact = candidates.find((c) => {
    const value = codeOf(c.element, kind);
    return value?.kind === 'static' && value.value === code;
  });
  return exact ?? candidates.find((c) => codeOf(c.element, kind) === undefined);
}

/** Zeebe's text for an error no catch event took, listing the codes that were available. */
export function unhandledErrorMessage(code: string, message: string, seenCodes: string[]): string {
  const withMessage = message ? ` with message '${message}'` : '';
  const available =
    seenCodes.length > 0 ? `Available error events are [${[...new Set(seenCodes)].join(', ')}]` : 'No error events are available in the scope.';
  return `Expected to throw an error event with the code '${code}'${withMessage}, but it was not caught. ${available}`;
}
