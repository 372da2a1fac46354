import { ErrorCatchBehavior } from './behaviors/error-catch.behavior';
import { EventSubscriptionBehavior } from './behaviors/event-subscription.behavior';
import { EventTriggerBehavior } from './behaviors/event-trigger.behavior';
import { FlowBehavior } from './behaviors/flow.behavior';
import { IncidentBehavior } from './behaviors/incident.behavior';
import { evaluateMappings } from './behaviors/io-mapping.behavior';
import { JobBehavior } from './behaviors/job.behavior';
import { checkTransition, intentOf } from './behaviors/lifecycle';
import { VariableBehavior } from './behaviors/variables.behavior';
import type { Clock } from './clock';
import { EngineInvariantError } from './errors';
import type { ExpressionLanguage } from './expressions';
import { isActivity } from './model/element-kind';
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

const SCOPES = new Set(['PROCESS', 'SUB_PROCESS', 'EVENT_SUB_PROCESS']);

/**
 * Runs BPMN element lifecycles on the engine state. Steps are queued on an agenda and run in
 * order until the instance waits (a job, a subscription, a join), which keeps record order
 * close to Zeebe's follow-up command order and avoids deep recursion on long chains.
 */
export class BpmnRuntime {
  readonly variables: VariableBehavior;
  readonly jobs: JobBehavior;
  readonly incidents: IncidentBehavior;
  readonly flows: FlowBehavior;
  readonly subscriptions: EventSubscriptionBehavior;
  readonly events: EventTriggerBehavior;
  readonly errors: ErrorCatchBehavior;
  private agenda: (() => void)[] = [];

  constructor(
    readonly state: EngineState,
    readonly clock: Clock,
    readonly expressions: ExpressionLanguage,
    readonly processors: ProcessorRegistry,
    readonly hooks: RuntimeHooks,
  ) {
    this.variables = new VariableBehavior(state, () => this.clock.now());
    this.jobs = new JobBehavior(this);
    this.incidents = new IncidentBehavior(this);
    this.flows = new FlowBehavior(this);
    this.subscriptions = new EventSubscriptionBehavior(this);
    this.events = new EventTriggerBehavior(this);
    this.errors = new ErrorCatchBehavior(this);
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
        bpmnEventType: instance.type === 'MULTI_INSTANCE_BODY' ? 'UNSPECIFIED' : model.eventType,
        ...this.parentKeys(instance),
        tenantId: TENANT,
      },
      instance.processInstanceKey,
      instance.elementId,
      instance.type,
    );
  }

  /** The caller of the instance an element belongs to: every record of a called instance names it. */
  parentKeys(instance: ElementInstance): { parentProcessInstanceKey: number; parentElementInstanceKey: number } {
    const root = instance.flowScopeKey < 0 ? instance : this.state.elements.get(instance.processInstanceKey);
    return {
      parentProcessInstanceKey: root?.parentProcessInstanceKey ?? -1,
      parentElementInstanceKey: root?.parentElementInstanceKey ?? -1,
    };
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
   * then ELEMENT_ACTIVATING — Zeebe's order — and queues its activation. `extra` may name the
   * start event to begin at (message, timer and signal start events).
   */
  createProcessInstance(
    definition: ProcessDefinition,
    variables: Record<string, unknown>,
    onCreated?: (instance: ElementInstance) => void,
    parent?: { processInstanceKey: number; elementInstanceKey: number },
    extra?: Record<string, unknown>,
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
      extra,
    };
    this.state.putElement(instance);
    this.variables.setLocal(instance, variables);
    onCreated?.(instance);
    this.writeElementRecord(instance, 'ELEMENT_ACTIVATING');
    this.schedule(() => this.runActivation(instance));
    return instance;
  }

  /**
   * Creates a child element instance in `scope` (ACTIVATING) and queues its activation. A
   * multi-instance element first gets its body; the body creates the inner instances.
   */
  activateChild(scope: ElementInstance, elementId: string, init?: Partial<ElementInstance>): ElementInstance {
    const element = this.definitionOf(scope).model.elements.get(elementId);
    if (!element) throw new EngineInvariantError(`Missing element '${elementId}'`);
    const inner = scope.type === 'MULTI_INSTANCE_BODY' && scope.elementId === elementId;
    const instance: ElementInstance = {
      key: this.state.keys.next(),
      processInstanceKey: scope.processInstanceKey,
      processDefinitionKey: scope.processDefinitionKey,
      bpmnProcessId: scope.bpmnProcessId,
      version: scope.version,
      elementId,
      type: element.multiInstance && !inner ? 'MULTI_INSTANCE_BODY' : element.type,
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
    // A multi-instance body has neither mappings nor listeners: its inner instances have them.
    if (instance.type === 'MULTI_INSTANCE_BODY') return this.activate(instance, element);
    const loop = instance.extra?.loop as { loopCounter: number; inputElement?: string; item?: unknown; outputElement?: string } | undefined;
    if (loop && !instance.extra?.loopVariablesSet) {
      // Zeebe's order: the input element, the output element's variable (so a job's result
      // stays in this instance), then the loop counter.
      this.variables.setLocal(instance, {
        ...(loop.inputElement ? { [loop.inputElement]: loop.item ?? null } : {}),
        ...(loop.outputElement ? { [loop.outputElement]: null } : {}),
        loopCounter: loop.loopCounter,
      });
      instance.extra = { ...instance.extra, loopVariablesSet: true };
    }
    if (element.inputMappings?.length) {
      const scopeKey = instance.flowScopeKey > 0 ? instance.flowScopeKey : instance.key;
      const context = { ...this.variables.context(scopeKey), ...this.variables.local(instance.key) };
      const result = evaluateMappings(element.inputMappings, context, this.expressions);
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
    this.activate(instance, element);
  }

  /**
   * Step 'activate': the element's boundary events and its event subprocesses start waiting,
   * then its processor runs.
   */
  private activate(instance: ElementInstance, element: ElementModel): void {
    instance.pending = undefined;
    if (this.state.subscriptionsOf(instance.key).length === 0) {
      const targets: ElementModel[] = [];
      const model = this.definitionOf(instance).model;
      if ((instance.type === 'MULTI_INSTANCE_BODY' || isActivity(instance.type)) && !this.isInnerInstance(instance)) {
        for (const id of element.boundaryEventIds ?? []) targets.push(model.elements.get(id)!);
      }
      if (SCOPES.has(instance.type)) {
        for (const id of element.eventSubprocessStartIds ?? []) targets.push(model.elements.get(id)!);
      }
      const failure = targets.length > 0 ? this.subscriptions.open(instance, targets, instance.key) : undefined;
      if (failure) {
        this.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', failure, 'activate');
        return;
      }
    }
    this.processors.get(instance.type).activate(this, instance, element);
  }

  isInnerInstance(instance: ElementInstance): boolean {
    const scope = instance.flowScopeKey > 0 ? this.state.elements.get(instance.flowScopeKey) : undefined;
    return scope?.type === 'MULTI_INSTANCE_BODY' && scope.elementId === instance.elementId;
  }

  // --- completion ----------------------------------------------------------------------

  /**
   * Moves an activated element to COMPLETING and runs its completion; `onCompleting` runs in
   * between (a job's or event's variables are applied there, as Zeebe does). What the element
   * waited for (boundary events, event subprocesses) stops waiting.
   */
  complete(instance: ElementInstance, onCompleting?: () => void): void {
    this.transition(instance, 'COMPLETING');
    this.subscriptions.closeAll(instance.key);
    onCompleting?.();
    this.runCompletion(instance);
  }

  /**
   * Completes an element with the variables of the event that triggered it: local to the
   * element when it has output mappings (they pick what propagates), else propagated.
   */
  completeTriggered(instance: ElementInstance, variables: Record<string, unknown> | undefined): void {
    if (instance.state === 'ACTIVATING') this.transition(instance, 'ACTIVATED');
    this.complete(instance, () => {
      if (!variables || Object.keys(variables).length === 0) return;
      const element = this.elementOf(instance);
      // An error's variables stay on its boundary event (only output mappings take them
      // further); other events' variables propagate unless output mappings pick what does.
      const local = element.outputMappings?.length || (element.eventType === 'ERROR' && element.type === 'BOUNDARY_EVENT');
      if (local) this.variables.setLocal(instance, variables);
      else this.variables.merge(instance, variables);
    });
  }

  /** Step 'outputs': output mappings into the flow scope, then the end listeners. */
  runCompletion(instance: ElementInstance): void {
    if (instance.state !== 'COMPLETING') return;
    const element = this.elementOf(instance);
    instance.pending = undefined;
    if (instance.type === 'MULTI_INSTANCE_BODY') return this.finishCompletion(instance, element);
    if (element.outputMappings?.length && instance.flowScopeKey > 0) {
      const result = evaluateMappings(element.outputMappings, this.variables.context(instance.key), this.expressions);
      if (!result.ok) {
        this.incidents.raise(instance, 'IO_MAPPING_ERROR', result.message, 'outputs');
        return;
      }
      // An inner multi-instance activity writes to its own scope, where its output element lives.
      this.variables.merge(this.isInnerInstance(instance) ? instance : this.scopeOf(instance), result.document);
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
    this.finishCompletion(instance, element);
  }

  private finishCompletion(instance: ElementInstance, element: ElementModel): void {
    this.transition(instance, 'COMPLETED', element);
    if (instance.flowScopeKey < 0) return this.endProcessInstance(instance, true);
    const scope = this.scopeOf(instance);
    if (scope.type === 'MULTI_INSTANCE_BODY' && scope.elementId === instance.elementId) {
      const body = this.processors.get('MULTI_INSTANCE_BODY');
      body.childCompleting?.(this, scope, instance);
      this.removeChild(scope, instance);
      body.childEnded?.(this, scope);
      return;
    }
    const processor = this.processors.get(instance.type);
    if (processor.leave) processor.leave(this, instance, element, scope);
    else for (const flow of element.outgoing) this.flows.take(scope, flow);
    this.removeChild(scope, instance);
    this.checkScopeCompletion(scope);
  }

  /** Takes a sequence flow out of `scope`'s child; `init` seeds the next element instance. */
  takeFlow(scope: ElementInstance, flow: SequenceFlowModel, init?: Partial<ElementInstance>): void {
    this.flows.take(scope, flow, init);
  }

  private endProcessInstance(instance: ElementInstance, completed: boolean): void {
    // The hooks run before the variables are dropped: a waiting client or the caller wants them.
    this.hooks.processInstanceEnded(instance, completed);
    this.events.messageStartedInstanceEnded(instance);
    const callerKey = instance.parentElementInstanceKey ?? -1;
    const childVariables = completed && callerKey > 0 ? this.variables.local(instance.key) : undefined;
    this.state.removeElement(instance);
    const caller = callerKey > 0 ? this.state.elements.get(callerKey) : undefined;
    if (childVariables && caller?.state === 'ACTIVATED') this.returnToCaller(caller, childVariables);
  }

  /** A called instance completed: the call activity completes with the child's variables. */
  private returnToCaller(caller: ElementInstance, childVariables: Record<string, unknown>): void {
    const element = this.elementOf(caller);
    caller.calledInstanceKey = undefined;
    this.complete(caller, () => {
      if (element.outputMappings?.length) this.variables.setLocal(caller, childVariables);
      else if (element.calledElement?.propagateAllChildVariables !== false) this.variables.merge(caller, childVariables);
    });
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

  /**
   * A container completes when no child is active and no token waits at a join (its event
   * subprocess subscriptions do not keep it alive).
   */
  checkScopeCompletion(scope: ElementInstance): void {
    if (scope.state !== 'ACTIVATED' || scope.type === 'MULTI_INSTANCE_BODY') return;
    if (this.flows.retryInclusiveJoins(scope)) return;
    if (scope.activeChildren === 0 && !scope.joins) this.complete(scope);
  }

  /** Re-runs the lifecycle step an incident stopped (the incident was resolved). */
  retryPending(instance: ElementInstance): void {
    switch (instance.pending) {
      case 'inputs':
        return this.runActivation(instance);
      case 'start-listener':
        return this.continueActivation(instance);
      case 'activate':
        if (instance.state === 'ACTIVATING') this.activate(instance, this.elementOf(instance));
        else if (instance.state === 'ACTIVATED') this.processors.get(instance.type).resume?.(this, instance, this.elementOf(instance));
        return;
      case 'outputs':
        return this.runCompletion(instance);
      case 'end-listener':
      case 'complete':
        return this.continueCompletion(instance);
      default:
        return;
    }
  }

  // --- termination -------------------------------------------------------------------

  /** Terminates an element and everything inside it, children first. */
  terminate(instance: ElementInstance): void {
    if (instance.state === 'TERMINATING' || instance.state === 'TERMINATED' || instance.state === 'COMPLETED') return;
    const element = this.elementOf(instance);
    this.transition(instance, 'TERMINATING', element);
    this.subscriptions.closeAll(instance.key);
    for (const child of this.state.childrenOf(instance.key)) this.terminate(child);
    this.processors.get(instance.type).terminate?.(this, instance, element);
    if (instance.jobKey !== undefined) this.jobs.cancel(instance.jobKey);
    this.incidents.resolveAllOf(instance);
    instance.joins = undefined;
    this.transition(instance, 'TERMINATED', element);
    if (instance.flowScopeKey < 0) return this.endProcessInstance(instance, false);
    const scope = this.scopeOf(instance);
    this.removeChild(scope, instance);
  }
}

function listenersOf(element: ElementModel, eventType: 'start' | 'end'): ExecutionListenerModel[] {
  return element.executionListeners?.filter((l) => l.eventType === eventType) ?? [];
}
