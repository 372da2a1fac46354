import { evaluateMappings } from './behaviors/io-mapping.behavior';
import { IncidentBehavior } from './behaviors/incident.behavior';
import { JobBehavior } from './behaviors/job.behavior';
import { checkTransition, intentOf } from './behaviors/lifecycle';
import { VariableBehavior } from './behaviors/variables.behavior';
import type { Clock } from './clock';
import { EngineInvariantError } from './errors';
import type { ExpressionLanguage } from './expressions';
import type { ElementModel, ExecutionListenerModel, SequenceFlowModel } from './model/model';
import type { ProcessorRegistry } from './processors/element-processor';
import { TENANT } from './records/record';
import type { ElementInstance, ElementState, Job, ProcessDefinition } from './state/entities';
import type { EngineState } from './state/engine-state';

/** What the runtime tells the engine around it (job delivery, waiting clients). */
export interface RuntimeHooks {
  /** A job became activatable: created, timed out, recurred after backoff, retries restored. */
  jobActivatable(job: Job): void;
  /** A root or child process instance completed or was terminated. */
  processInstanceEnded(instance: ElementInstance, completed: boolean): void;
}

/**
 * Runs BPMN element lifecycles on the engine state. Steps are queued on an agenda and run in
 * order until the instance waits (a job, a subscription, a join), which keeps record order
 * close to Zeebe's follow-up command order and avoids deep recursion on long chains.
 */
export class BpmnRuntime {
  readonly variables: VariableBehavior;
  readonly jobs: JobBehavior;
  readonly incidents: IncidentBehavior;
  private agenda: (() => void)[] = [];

  constructor(
    readonly state: EngineState,
    readonly clock: Clock,
    readonly expressions: ExpressionLanguage,
    readonly processors: ProcessorRegistry,
    readonly hooks: RuntimeHooks,
  ) {
    const now = () => this.clock.now();
    this.variables = new VariableBehavior(state, now);
    this.jobs = new JobBehavior(this);
    this.incidents = new IncidentBehavior(this);
  }

  now(): number {
    return this.clock.now();
  }

  schedule(step: () => void): void {
    this.agenda.push(step);
  }

  /** Runs queued steps, including the ones they queue, until nothing is left. */
  runAgenda(): void {
    for (let i = 0; i < this.agenda.length; i++) this.agenda[i]();
    this.agenda = [];
  }

  /** Drops queued steps (the batch is being abandoned). */
  resetAgenda(): void {
    this.agenda = [];
  }

  definitionOf(instance: ElementInstance): ProcessDefinition {
    const definition = this.state.definitions.get(instance.processDefinitionKey);
    if (!definition) throw new EngineInvariantError(`Missing definition ${instance.processDefinitionKey}`);
    return definition;
  }

  elementOf(instance: ElementInstance): ElementModel {
    const element = this.definitionOf(instance).model.elements.get(instance.elementId);
    if (!element) throw new EngineInvariantError(`Missing element '${instance.elementId}' in ${instance.bpmnProcessId}`);
    return element;
  }

  // --- records -----------------------------------------------------------------------

  writeElementRecord(instance: ElementInstance, intent: string, element?: ElementModel): void {
    const model = element ?? this.elementOf(instance);
    this.state.log.append(
      'PROCESS_INSTANCE',
      intent,
      instance.key,
      this.now(),
      {
        bpmnProcessId: instance.bpmnProcessId,
        version: instance.version,
        processDefinitionKey: instance.processDefinitionKey,
        processInstanceKey: instance.processInstanceKey,
        elementId: instance.elementId,
        flowScopeKey: instance.flowScopeKey,
        bpmnElementType: instance.type,
        bpmnEventType: model.eventType,
        parentProcessInstanceKey: instance.parentProcessInstanceKey ?? -1,
        parentElementInstanceKey: instance.parentElementInstanceKey ?? -1,
        tenantId: TENANT,
      },
      instance.processInstanceKey,
      instance.elementId,
      instance.type,
    );
  }

  transition(instance: ElementInstance, to: ElementState, element?: ElementModel): void {
    checkTransition(instance.state, to, instance.elementId);
    instance.state = to;
    this.state.elements.touch(instance);
    this.writeElementRecord(instance, intentOf(to), element);
  }

  // --- creation ----------------------------------------------------------------------

  /**
   * Creates a process instance: its variables first, then `onCreated` (the creation record),
   * then ELEMENT_ACTIVATING — Zeebe's order — and queues its activation.
   */
  createProcessInstance(
    definition: ProcessDefinition,
    variables: Record<string, unknown>,
    onCreated?: (instance: ElementInstance) => void,
    parent?: { processInstanceKey: number; elementInstanceKey: number },
  ): ElementInstance {
    const key = this.state.keys.next();
    const instance: ElementInstance = {
      key,
      processInstanceKey: key,
      processDefinitionKey: definition.key,
      bpmnProcessId: definition.bpmnProcessId,
      version: definition.version,
      elementId: definition.bpmnProcessId,
      type: 'PROCESS',
      flowScopeKey: -1,
      state: 'ACTIVATING',
      activeChildren: 0,
      parentProcessInstanceKey: parent?.processInstanceKey,
      parentElementInstanceKey: parent?.elementInstanceKey,
    };
    this.state.putElement(instance);
    this.variables.setLocal(instance, variables);
    onCreated?.(instance);
    this.writeElementRecord(instance, 'ELEMENT_ACTIVATING');
    this.schedule(() => this.runActivation(instance));
    return instance;
  }

  /** Creates a child element instance in `scope` (ACTIVATING) and queues its activation. */
  activateChild(scope: ElementInstance, elementId: string, init?: Partial<ElementInstance>): ElementInstance {
    const element = this.definitionOf(scope).model.elements.get(elementId);
    if (!element) throw new EngineInvariantError(`Missing element '${elementId}'`);
    const instance: ElementInstance = {
      key: this.state.keys.next(),
      processInstanceKey: scope.processInstanceKey,
      processDefinitionKey: scope.processDefinitionKey,
      bpmnProcessId: scope.bpmnProcessId,
      version: scope.version,
      elementId,
      type: element.type,
      flowScopeKey: scope.key,
      state: 'ACTIVATING',
      activeChildren: 0,
      ...init,
    };
    this.state.putElement(instance);
    scope.activeChildren++;
    this.state.elements.touch(scope);
    this.writeElementRecord(instance, 'ELEMENT_ACTIVATING', element);
    this.schedule(() => this.runActivation(instance));
    return instance;
  }

  // --- activation ----------------------------------------------------------------------

  /** Step 'inputs': input mappings, then the start listeners, then the processor. */
  runActivation(instance: ElementInstance): void {
    if (instance.state !== 'ACTIVATING') return;
    const element = this.elementOf(instance);
    instance.pending = undefined;
    if (element.inputMappings?.length) {
      const scopeKey = instance.flowScopeKey > 0 ? instance.flowScopeKey : instance.key;
      const result = evaluateMappings(element.inputMappings, this.variables.context(scopeKey), this.expressions);
      if (!result.ok) {
        this.incidents.raise(instance, 'IO_MAPPING_ERROR', result.message, 'inputs');
        return;
      }
      this.variables.setLocal(instance, result.document);
    }
    instance.listenerIndex = 0;
    this.continueActivation(instance);
  }

  /** Step 'start-listener': the next start listener job, or the processor when all ran. */
  continueActivation(instance: ElementInstance): void {
    if (instance.state !== 'ACTIVATING') return;
    const element = this.elementOf(instance);
    instance.pending = undefined;
    const listeners = listenersOf(element, 'start');
    const index = instance.listenerIndex ?? 0;
    if (index < listeners.length) {
      this.jobs.createListenerJob(instance, listeners[index], 'START', 'start-listener');
      return;
    }
    instance.listenerIndex = undefined;
    this.processors.get(element.type).activate(this, instance, element);
  }

  // --- completion ----------------------------------------------------------------------

  /**
   * Moves an activated element to COMPLETING and runs its completion; `onCompleting` runs in
   * between (a job's variables are applied there, as Zeebe does).
   */
  complete(instance: ElementInstance, onCompleting?: () => void): void {
    this.transition(instance, 'COMPLETING');
    onCompleting?.();
    this.runCompletion(instance);
  }

  /** Step 'outputs': output mappings into the flow scope, then the end listeners. */
  runCompletion(instance: ElementInstance): void {
    if (instance.state !== 'COMPLETING') return;
    const element = this.elementOf(instance);
    instance.pending = undefined;
    if (element.outputMappings?.length && instance.flowScopeKey > 0) {
      const result = evaluateMappings(element.outputMappings, this.variables.context(instance.key), this.expressions);
      if (!result.ok) {
        this.incidents.raise(instance, 'IO_MAPPING_ERROR', result.message, 'outputs');
        return;
      }
      this.variables.merge(this.scopeOf(instance), result.document);
    }
    instance.listenerIndex = 0;
    this.continueCompletion(instance);
  }

  /** Step 'end-listener': the next end listener job, or the end of the completion. */
  continueCompletion(instance: ElementInstance): void {
    if (instance.state !== 'COMPLETING') return;
    const element = this.elementOf(instance);
    instance.pending = undefined;
    const listeners = listenersOf(element, 'end');
    const index = instance.listenerIndex ?? 0;
    if (index < listeners.length) {
      this.jobs.createListenerJob(instance, listeners[index], 'END', 'end-listener');
      return;
    }
    instance.listenerIndex = undefined;
    this.transition(instance, 'COMPLETED', element);
    if (instance.flowScopeKey < 0) {
      // The hook runs before the variables are dropped: a waiting client may want them.
      this.hooks.processInstanceEnded(instance, true);
      this.state.removeElement(instance);
      return;
    }
    const scope = this.scopeOf(instance);
    const processor = this.processors.get(element.type);
    if (processor.leave) processor.leave(this, instance, element, scope);
    else for (const flow of element.outgoing) this.takeFlow(scope, flow);
    this.removeChild(scope, instance);
    this.checkScopeCompletion(scope);
  }

  // --- sequence flows and joins --------------------------------------------------------

  takeFlow(scope: ElementInstance, flow: SequenceFlowModel): void {
    const definition = this.definitionOf(scope);
    this.state.log.append(
      'PROCESS_INSTANCE',
      'SEQUENCE_FLOW_TAKEN',
      this.state.keys.next(),
      this.now(),
      {
        bpmnProcessId: scope.bpmnProcessId,
        version: scope.version,
        processDefinitionKey: scope.processDefinitionKey,
        processInstanceKey: scope.processInstanceKey,
        elementId: flow.id,
        flowScopeKey: scope.key,
        bpmnElementType: 'SEQUENCE_FLOW',
        bpmnEventType: 'UNSPECIFIED',
        parentProcessInstanceKey: -1,
        parentElementInstanceKey: -1,
        tenantId: TENANT,
      },
      scope.processInstanceKey,
      flow.id,
      'SEQUENCE_FLOW',
    );
    const target = definition.model.elements.get(flow.targetId)!;
    const joins = target.incoming.length > 1 && (target.type === 'PARALLEL_GATEWAY' || target.type === 'INCLUSIVE_GATEWAY');
    if (!joins) {
      this.activateChild(scope, target.id);
      return;
    }
    const tokens = ((scope.joins ??= {})[target.id] ??= {});
    tokens[flow.id] = (tokens[flow.id] ?? 0) + 1;
    this.state.elements.touch(scope);
    this.tryJoin(scope, target);
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
    this.state.elements.touch(scope);
    this.activateChild(scope, gateway.id);
    return true;
  }

  /** Whether an active element of the scope (or a token at another join) can still reach `flow`. */
  private canStillReach(scope: ElementInstance, gateway: ElementModel, flow: SequenceFlowModel): boolean {
    const model = this.definitionOf(scope).model;
    const starts: string[] = this.state.childrenOf(scope.key).map((c) => c.elementId);
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

  // --- scopes ------------------------------------------------------------------------

  scopeOf(instance: ElementInstance): ElementInstance {
    const scope = this.state.elements.get(instance.flowScopeKey);
    if (!scope) throw new EngineInvariantError(`Missing flow scope ${instance.flowScopeKey} of ${instance.elementId}`);
    return scope;
  }

  private removeChild(scope: ElementInstance, child: ElementInstance): void {
    this.state.removeElement(child);
    scope.activeChildren--;
    this.state.elements.touch(scope);
  }

  /** A container completes when no child is active and no token waits at a join. */
  checkScopeCompletion(scope: ElementInstance): void {
    if (scope.state !== 'ACTIVATED') return;
    if (scope.joins) {
      const model = this.definitionOf(scope).model;
      for (const gatewayId of Object.keys(scope.joins)) {
        const gateway = model.elements.get(gatewayId)!;
        if (gateway.type === 'INCLUSIVE_GATEWAY' && this.tryJoin(scope, gateway)) return;
      }
    }
    if (scope.activeChildren === 0 && !scope.joins) this.complete(scope);
  }

  /** Re-runs the lifecycle step an incident stopped (the incident was resolved). */
  retryPending(instance: ElementInstance): void {
    switch (instance.pending) {
      case 'inputs':
        return this.runActivation(instance);
      case 'start-listener':
        return this.continueActivation(instance);
      case 'activate': {
        if (instance.state !== 'ACTIVATING') return;
        instance.pending = undefined;
        const element = this.elementOf(instance);
        return this.processors.get(element.type).activate(this, instance, element);
      }
      case 'outputs':
        return this.runCompletion(instance);
      case 'end-listener':
      case 'complete':
        return this.continueCompletion(instance);
      default:
        return;
    }
  }

  /**
   * Looks for an error catch event for `errorCode` from the element outward and, when one is
   * found, hands the error to it. Returns false when nothing catches it.
   */
  catchError(
    instance: ElementInstance,
    errorCode: string,
    errorMessage: string,
    variables: Record<string, unknown>,
  ): boolean {
    return this.errorCatcher?.(instance, errorCode, errorMessage, variables) ?? false;
  }

  /** Installed by the error-event processors; absent while no catch event kind is supported. */
  errorCatcher?: (
    instance: ElementInstance,
    errorCode: string,
    errorMessage: string,
    variables: Record<string, unknown>,
  ) => boolean;

  // --- termination -------------------------------------------------------------------

  /** Terminates an element and everything inside it, children first. */
  terminate(instance: ElementInstance): void {
    if (instance.state === 'TERMINATING' || instance.state === 'TERMINATED' || instance.state === 'COMPLETED') return;
    const element = this.elementOf(instance);
    this.transition(instance, 'TERMINATING', element);
    for (const child of this.state.childrenOf(instance.key)) this.terminate(child);
    this.processors.get(element.type).terminate?.(this, instance, element);
    if (instance.jobKey !== undefined) this.jobs.cancel(instance.jobKey);
    this.incidents.resolveAllOf(instance);
    instance.joins = undefined;
    this.transition(instance, 'TERMINATED', element);
    if (instance.flowScopeKey < 0) {
      this.hooks.processInstanceEnded(instance, false);
      this.state.removeElement(instance);
      return;
    }
    const scope = this.scopeOf(instance);
    this.removeChild(scope, instance);
  }
}

function listenersOf(element: ElementModel, eventType: 'start' | 'end'): ExecutionListenerModel[] {
  return element.executionListeners?.filter((l) => l.eventType === eventType) ?? [];
}
