import type { BpmnRuntime } from '../bpmn-runtime';
import { Rejection } from '../errors';
import type { ElementModel } from '../model/model';
import { TENANT } from '../records/record';
import type { BufferedMessage, ElementInstance, Subscription } from '../state/entities';
import { messageKey } from '../state/engine-state';

export interface PublishRequest {
  name: string;
  correlationKey: string;
  timeToLive: number;
  messageId: string;
  variables: Record<string, unknown>;
}

/**
 * What happens when an awaited event occurs: a message is published, a timer falls due, a
 * signal is broadcast. The subscription's target decides: a catch event completes, an
 * event-based gateway takes the branch, a boundary event or an event subprocess starts
 * (interrupting or not), a start event creates an instance.
 */
export class EventTriggerBehavior {
  constructor(private readonly rt: BpmnRuntime) {}

  // --- messages ----------------------------------------------------------------------

  /**
   * Correlates a message to every open subscription with its name and correlation key — at most
   * once per process (bpmnProcessId) — and to message start events; buffers it for its time to
   * live for subscriptions that open later.
   */
  publish(request: PublishRequest): number {
    const { state } = this.rt;
    const id = messageKey(request.name, request.correlationKey);
    if (request.messageId && state.messageIds.has(`${id}\u0000${request.messageId}`)) {
      throw new Rejection(
        'ALREADY_EXISTS',
        `Expected to publish a new message with id '${request.messageId}', but a message with that id was already published`,
      );
    }
    const key = state.keys.next();
    const now = this.rt.now();
    const deadline = now + Math.max(0, request.timeToLive);
    state.log.append('MESSAGE', 'PUBLISHED', key, now, { ...request, deadline, tenantId: TENANT });
    const correlated = new Set<string>();
    for (const subscriptionKey of [...(state.messageSubscriptions.get(id) ?? [])].sort((a, b) => a - b)) {
      const subscription = state.subscriptions.get(subscriptionKey);
      if (!subscription || correlated.has(subscription.bpmnProcessId)) continue;
      if (this.trigger(subscription, request.variables, key)) correlated.add(subscription.bpmnProcessId);
    }
    for (const subscriptionKey of [...(state.messageStartSubscriptions.get(request.name) ?? [])]) {
      const subscription = state.subscriptions.get(subscriptionKey);
      if (!subscription || correlated.has(subscription.bpmnProcessId)) continue;
      if (this.startByMessage(subscription, request.correlationKey, request.variables, key)) correlated.add(subscription.bpmnProcessId);
    }
    if (request.timeToLive > 0) {
      state.putMessage({
        key,
        name: request.name,
        correlationKey: request.correlationKey,
        messageId: request.messageId,
        variables: request.variables,
        deadline,
        correlatedProcessIds: [...correlated],
      });
    } else {
      state.log.append('MESSAGE', 'EXPIRED', key, now, { name: request.name, correlationKey: request.correlationKey, tenantId: TENANT });
    }
    return key;
  }

  /** A message subscription just opened: it takes the oldest matching buffered message. */
  correlateBuffered(subscriptionKey: number): void {
    const { state } = this.rt;
    const subscription = state.subscriptions.get(subscriptionKey);
    if (!subscription || subscription.kind !== 'message') return;
    const buffered = state.bufferedMessages.get(messageKey(subscription.messageName!, subscription.correlationKey!));
    if (!buffered) return;
    const now = this.rt.now();
    for (const message of buffered.values()) {
      if (message.deadline <= now || message.correlatedProcessIds.includes(subscription.bpmnProcessId)) continue;
      if (this.trigger(subscription, message.variables, message.key)) this.markCorrelated(message, subscription.bpmnProcessId);
      return;
    }
  }

  /** Drops the buffered messages whose time to live is over. */
  expireMessages(now: number): void {
    const { state } = this.rt;
    for (const { key, deadline } of state.messageDeadlines.popDue(now)) {
      const message = state.messages.get(key);
      if (!message || message.deadline !== deadline) continue;
      state.removeMessage(key);
      state.log.append('MESSAGE', 'EXPIRED', key, now, { name: message.name, correlationKey: message.correlationKey, tenantId: TENANT });
    }
  }

  /**
   * An instance created by a message start event ended: a buffered message with the same
   * correlation key may now start the next one.
   */
  messageStartedInstanceEnded(instance: ElementInstance): void {
    const started = instance.extra?.startedByMessage as { correlationKey: string } | undefined;
    if (!started?.correlationKey) return;
    const { state } = this.rt;
    const id = `${instance.bpmnProcessId}\u0000${started.correlationKey}`;
    if (state.messageStartedInstances.get(id) !== instance.key) return;
    state.messageStartedInstances.delete(id);
    this.rt.schedule(() => {
      for (const subscription of state.subscriptionsOf(-1)) {
        if (subscription.kind !== 'message' || subscription.bpmnProcessId !== instance.bpmnProcessId) continue;
        const buffered = state.bufferedMessages.get(messageKey(subscription.messageName!, started.correlationKey));
        const message = [...(buffered?.values() ?? [])].find(
          (m) => m.deadline > this.rt.now() && !m.correlatedProcessIds.includes(instance.bpmnProcessId),
        );
        if (message && this.startByMessage(subscription, message.correlationKey, message.variables, message.key)) {
          this.markCorrelated(message, instance.bpmnProcessId);
          return;
        }
      }
    });
  }

  private markCorrelated(message: BufferedMessage, bpmnProcessId: string): void {
    message.correlatedProcessIds.push(bpmnProcessId);
    this.rt.state.messages.touch(message);
  }

  /** A message start event: one active instance per correlation key (an empty key always starts one). */
  private startByMessage(subscription: Subscription, correlationKey: string, variables: Record<string, unknown>, messageKey: number): boolean {
    const { state } = this.rt;
    const id = `${subscription.bpmnProcessId}\u0000${correlationKey}`;
    if (correlationKey !== '' && state.messageStartedInstances.has(id)) return false;
    const instance = this.startInstance(subscription, variables, { startedByMessage: { correlationKey } });
    if (!instance) return false;
    if (correlationKey !== '') state.messageStartedInstances.set(id, instance.key);
    this.rt.subscriptions.write(subscription, 'CORRELATED', { messageKey, variables, processInstanceKey: instance.key, correlationKey });
    return true;
  }

  // --- signals and timers --------------------------------------------------------------

  /** Triggers every subscription to the signal, in every process, and starts signal start events. */
  broadcastSignal(name: string, variables: Record<string, unknown>): number {
    const { state } = this.rt;
    const key = state.keys.next();
    state.log.append('SIGNAL', 'BROADCASTED', key, this.rt.now(), { signalName: name, variables, tenantId: TENANT });
    for (const subscriptionKey of [...(state.signalSubscriptions.get(name) ?? [])].sort((a, b) => a - b)) {
      const subscription = state.subscriptions.get(subscriptionKey);
      if (subscription) this.trigger(subscription, variables);
    }
    return key;
  }

  /** Fires the timers that are due; a timer never fires before its due date. */
  fireTimers(now: number): void {
    const { state } = this.rt;
    for (const { key, dueDate } of state.timers.popDue(now)) {
      const subscription = state.subscriptions.get(key);
      if (!subscription || subscription.timer?.dueDate !== dueDate) continue;
      this.trigger(subscription, {});
    }
  }

  // --- triggering ----------------------------------------------------------------------

  /** Hands an event to its subscription's target; false when the target cannot take it now. */
  trigger(subscription: Subscription, variables: Record<string, unknown>, messageKey = -1): boolean {
    const { state } = this.rt;
    if (subscription.ownerKey < 0) {
      this.consumeOrKeep(subscription, messageKey, variables, true);
      return this.startInstance(subscription, variables, {}) !== undefined;
    }
    const owner = state.elements.get(subscription.ownerKey);
    if (!owner) return false;
    const target = this.rt.definitionOf(owner).model.elements.get(subscription.elementId);
    if (!target) return false;
    // Boundary events and event subprocesses may interrupt an activity or scope that is still
    // activating (e.g. stuck in an incident); a catch event or gateway must be waiting.
    const ready = owner.state === 'ACTIVATED' || (owner.state === 'ACTIVATING' && (target.type === 'BOUNDARY_EVENT' || target.type === 'START_EVENT'));
    if (!ready) return false;
    if (target.type === 'BOUNDARY_EVENT') {
      this.consumeOrKeep(subscription, messageKey, variables, !subscription.interrupting);
      this.triggerBoundary(owner, target, variables, subscription.interrupting);
      return true;
    }
    if (target.type === 'START_EVENT') {
      this.consumeOrKeep(subscription, messageKey, variables, !subscription.interrupting);
      this.triggerEventSubprocess(owner, target, variables, subscription.interrupting);
      return true;
    }
    this.rt.subscriptions.consume(subscription, messageKey, variables);
    this.rt.subscriptions.closeAll(owner.key);
    if (owner.type === 'EVENT_BASED_GATEWAY') this.takeEventBasedBranch(owner, target, variables);
    else this.rt.completeTriggered(owner, variables);
    return true;
  }

  /**
   * Activates a boundary event of `activity`. Interrupting: the activity (and everything in it)
   * is terminated first. The boundary event completes at once with the event's variables.
   */
  triggerBoundary(activity: ElementInstance, boundary: ElementModel, variables: Record<string, unknown>, interrupting: boolean): void {
    const scope = this.rt.scopeOf(activity);
    if (interrupting) {
      this.rt.subscriptions.closeAll(activity.key);
      this.rt.terminate(activity);
    }
    this.rt.activateChild(scope, boundary.id, { extra: { trigger: variables } });
  }

  /**
   * Starts the event subprocess of `start` in `scope`. Interrupting: the scope's other
   * subscriptions close and all its active children are terminated first.
   */
  triggerEventSubprocess(scope: ElementInstance, start: ElementModel, variables: Record<string, unknown>, interrupting: boolean): void {
    if (interrupting) {
      this.rt.subscriptions.closeEventSubprocessStarts(scope);
      for (const child of this.rt.state.childrenOf(scope.key)) this.rt.terminate(child);
      scope.joins = undefined;
      scope.extra = { ...scope.extra, interrupted: true };
      this.rt.state.elements.touch(scope);
    }
    this.rt.activateChild(scope, start.flowScopeId!, { extra: { startElementId: start.id, startTrigger: variables } });
  }

  /**
   * A subscription that may trigger again (non-interrupting events, start events) stays open —
   * a timer cycle is re-armed; any other one is consumed.
   */
  private consumeOrKeep(subscription: Subscription, messageKey: number, variables: Record<string, unknown>, repeatable: boolean): void {
    if (subscription.kind === 'timer') {
      this.rt.subscriptions.consume(subscription);
      if (repeatable) this.rt.subscriptions.rearm(subscription, subscription.timer!.dueDate);
      return;
    }
    if (repeatable) {
      if (subscription.kind === 'message' && subscription.ownerKey > 0) this.rt.subscriptions.correlated(subscription, messageKey, variables);
      return;
    }
    this.rt.subscriptions.consume(subscription, messageKey, variables);
  }

  private takeEventBasedBranch(gateway: ElementInstance, target: ElementModel, variables: Record<string, unknown>): void {
    const element = this.rt.elementOf(gateway);
    const flow = element.outgoing.find((f) => f.targetId === target.id);
    gateway.extra = { ...gateway.extra, flows: flow ? [flow.id] : [], trigger: variables };
    this.rt.state.elements.touch(gateway);
    this.rt.complete(gateway);
  }

  private startInstance(subscription: Subscription, variables: Record<string, unknown>, extra: Record<string, unknown>) {
    const definition = this.rt.state.definitions.get(subscription.processDefinitionKey);
    if (!definition) return undefined;
    return this.rt.createProcessInstance(definition, variables, undefined, undefined, { startElementId: subscription.elementId, ...extra });
  }
}
