import type { BpmnRuntime } from '../bpmn-runtime';
import type { ElementModel, SequenceFlowModel } from '../model/model';
import { TENANT } from '../records/record';
import type { ElementInstance } from '../state/entities';

/**
 * Sequence flows and joining gateways. Tokens waiting at a join are kept on the flow scope
 * (`joins`), so a scope with waiting tokens is not complete.
 */
export class FlowBehavior {
  constructor(private readonly rt: BpmnRuntime) {}

  take(scope: ElementInstance, flow: SequenceFlowModel, init?: Partial<ElementInstance>): void {
    const definition = this.rt.definitionOf(scope);
    this.rt.state.log.append(
      'PROCESS_INSTANCE',
      'SEQUENCE_FLOW_TAKEN',
      this.rt.state.keys.next(),
      this.rt.now(),
      {
        bpmnProcessId: scope.bpmnProcessId,
        version: scope.version,
        processDefinitionKey: scope.processDefinitionKey,
        processInstanceKey: scope.processInstanceKey,
        elementId: flow.id,
        flowScopeKey: scope.key,
        bpmnElementType: 'SEQUENCE_FLOW',
        bpmnEventType: 'UNSPECIFIED',
        ...this.rt.parentKeys(scope),
        tenantId: TENANT,
      },
      scope.processInstanceKey,
      flow.id,
      'SEQUENCE_FLOW',
    );
    const target = definition.model.elements.get(flow.targetId)!;
    const joins = target.incoming.length > 1 && (target.type === 'PARALLEL_GATEWAY' || target.type === 'INCLUSIVE_GATEWAY');
    if (!joins) {
      this.rt.activateChild(scope, target.id, init);
      return;
    }
    const tokens = ((scope.joins ??= {})[target.id] ??= {});
    tokens[flow.id] = (tokens[flow.id] ?? 0) + 1;
    this.rt.state.elements.touch(scope);
    this.tryJoin(scope, target);
  }

  /** Re-checks the inclusive joins of a scope after one of its children ended; true if one fired. */
  retryInclusiveJoins(scope: ElementInstance): boolean {
    if (!scope.joins) return false;
    const model = this.rt.definitionOf(scope).model;
    for (const gatewayId of Object.keys(scope.joins)) {
      const gateway = model.elements.get(gatewayId)!;
      if (gateway.type === 'INCLUSIVE_GATEWAY' && this.tryJoin(scope, gateway)) return true;
    }
    return false;
  }

  /**
   * A parallel join fires when every incoming flow holds a token; an inclusive join when every
   * incoming flow either holds one or can no longer receive one from what is still active.
   */
  private tryJoin(scope: ElementInstance, gateway: ElementModel): boolean {
    const tokens = scope.joins?.[gateway.id];
    if (!tokens) return false;
    const waiting = gateway.incoming.filter((f) => !(tokens[f.id] > 0));
    if (waiting.length > 0) {
      if (gateway.type === 'PARALLEL_GATEWAY') return false;
      if (waiting.some((flow) => this.canStillReach(scope, gateway, flow))) return false;
    }
    for (const flow of gateway.incoming) {
      if (tokens[flow.id] > 1) tokens[flow.id]--;
      else delete tokens[flow.id];
    }
    if (Object.keys(tokens).length === 0) delete scope.joins![gateway.id];
    if (Object.keys(scope.joins!).length === 0) scope.joins = undefined;
    this.rt.state.elements.touch(scope);
    this.rt.activateChild(scope, gateway.id);
    return true;
  }

  /** Whether an active element of the scope (or a token at another join) can still reach `flow`. */
  private canStillReach(scope: ElementInstance, gateway: ElementModel, flow: SequenceFlowModel): boolean {
    const model = this.rt.definitionOf(scope).model;
    const starts: string[] = this.rt.state.childrenOf(scope.key).map((c) => c.elementId);
    for (const [joinId, tokens] of Object.entries(scope.joins ?? {})) {
      if (joinId !== gateway.id && Object.keys(tokens).length > 0) starts.push(joinId);
    }
    const seen = new Set<string>();
    const stack = starts.filter((id) => id !== gateway.id);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (id === flow.sourceId) return true;
      const element = model.elements.get(id);
      if (!element) continue;
      for (const out of element.outgoing) if (out.targetId !== gateway.id) stack.push(out.targetId);
      for (const boundaryId of element.boundaryEventIds ?? []) stack.push(boundaryId);
    }
    return false;
  }
}
