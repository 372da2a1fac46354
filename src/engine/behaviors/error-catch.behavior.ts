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

  find(thrower: ElementInstance, kind: ThrowKind, code: string): CatchTarget | undefined {
    const { state } = this.rt;
    let current: ElementInstance | undefined = thrower;
    while (current) {
      const element = this.rt.elementOf(current);
      const scope: ElementInstance | undefined = current.flowScopeKey > 0 ? state.elements.get(current.flowScopeKey) : undefined;
      const innerOfMultiInstance = scope?.type === 'MULTI_INSTANCE_BODY' && scope.elementId === current.elementId;
      if (current.type !== 'PROCESS' && !innerOfMultiInstance) {
        const boundaries = (element.boundaryEventIds ?? []).map((id) => this.model(current!, id)).filter((b) => b.eventType === kind);
        const boundary = pick(boundaries, kind, code);
        if (boundary) return { kind: 'boundary', owner: current, element: boundary };
      }
      if (current.type === 'PROCESS' || current.type === 'SUB_PROCESS' || current.type === 'EVENT_SUB_PROCESS') {
        const starts = (element.eventSubprocessStartIds ?? []).map((id) => this.model(current!, id)).filter((s) => s.eventType === kind);
        const start = pick(starts, kind, code);
        if (start) return { kind: 'event-subprocess', scope: current, element: start };
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

  writeEscalation(thrower: ElementInstance, code: string, caught: boolean): void {
    this.rt.state.log.append(
      'ESCALATION',
      caught ? 'ESCALATED' : 'NOT_ESCALATED',
      this.rt.state.keys.next(),
      this.rt.now(),
      { processInstanceKey: thrower.processInstanceKey, escalationCode: code, throwElementId: thrower.elementId, tenantId: TENANT },
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
function pick(candidates: ElementModel[], kind: ThrowKind, code: string): ElementModel | undefined {
  const exact = candidates.find((c) => {
    const value = codeOf(c, kind);
    return value?.kind === 'static' && value.value === code;
  });
  return exact ?? candidates.find((c) => codeOf(c, kind) === undefined);
}
