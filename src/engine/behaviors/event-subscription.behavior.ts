import type { BpmnRuntime } from '../bpmn-runtime';
import type { ElementModel, ValueOrExpression } from '../model/model';
import { TENANT } from '../records/record';
import type { ElementInstance, ProcessDefinition, Subscription } from '../state/entities';
import { messageKey } from '../state/engine-state';
import { nextRepetition, planTimer, type TimerPlan } from '../timers/timer-schedule';

type Evaluated = { ok: true; value: string } | { ok: false; message: string };

/**
 * Opens and closes the message, timer and signal subscriptions of catch elements, and writes
 * their records. Names, correlation keys and timers are evaluated once, when the subscription
 * opens; a buffered message that matches is correlated right after.
 */
export class EventSubscriptionBehavior {
  constructor(private readonly rt: BpmnRuntime) {}

  /**
   * Opens a subscription for each catch element in `targets` (those that wait for a message,
   * timer or signal; others are skipped), owned by `owner` and evaluated in `scopeKey`.
   * All-or-nothing: returns the first evaluation failure without opening anything.
   */
  open(owner: ElementInstance, targets: ElementModel[], scopeKey: number): string | undefined {
    const planned: Omit<Subscription, 'key'>[] = [];
    for (const target of targets) {
      const result = this.plan(owner, target, scopeKey);
      if (typeof result === 'string') return result;
      if (result) planned.push(result);
    }
    for (const subscription of planned) this.put({ ...subscription, key: this.rt.state.keys.next() }, owner.key);
    return undefined;
  }

  /** Closes every subscription an element instance owns (it completes or is terminated). */
  closeAll(ownerKey: number): void {
    for (const subscription of this.rt.state.subscriptionsOf(ownerKey)) this.close(subscription);
  }

  /**
   * Closes the event subprocess subscriptions of a scope (an interrupting event subprocess
   * started); the boundary events of that scope keep waiting.
   */
  closeEventSubprocessStarts(scope: ElementInstance): void {
    const model = this.rt.definitionOf(scope).model;
    for (const subscription of this.rt.state.subscriptionsOf(scope.key)) {
      if (model.elements.get(subscription.elementId)?.type === 'START_EVENT') this.close(subscription);
    }
  }

  close(subscription: Subscription): void {
    this.rt.state.removeSubscription(subscription.key);
    if (subscription.kind === 'timer') return this.write(subscription, 'CANCELED');
    if (isInstanceMessageSubscription(subscription)) this.writeMessageSubscription(subscription, 'DELETED');
    this.write(subscription, 'DELETED');
  }

  /** Writes the correlation / trigger record and drops a one-shot subscription. */
  consume(subscription: Subscription, messageKey = -1, variables: Record<string, unknown> = {}): void {
    if (subscription.kind === 'timer') this.write(subscription, 'TRIGGERED');
    else if (subscription.kind === 'message') this.correlated(subscription, messageKey, variables);
    else this.write(subscription, 'DELETED');
    this.rt.state.removeSubscription(subscription.key);
  }

  /**
   * Records a message correlated to an element instance's subscription the way Zeebe's two sides
   * do: the message side marks its subscription CORRELATING, the process side writes CORRELATED
   * and carries on, and the message side confirms with CORRELATED once that is done.
   */
  correlated(subscription: Subscription, messageKey: number, variables: Record<string, unknown>): void {
    const correlation = { messageKey, variables };
    const instanceSubscription = isInstanceMessageSubscription(subscription);
    if (instanceSubscription) this.writeMessageSubscription(subscription, 'CORRELATING', correlation);
    this.write(subscription, 'CORRELATED', correlation);
    if (instanceSubscription) this.rt.schedule(() => this.writeMessageSubscription(subscription, 'CORRELATED', correlation));
  }

  /**
   * Re-arms a timer cycle after it fired (non-interrupting boundary events, event subprocess
   * and start timers), unless its repetitions are used up.
   */
  rearm(subscription: Subscription, firedDue: number): void {
    const next = subscription.timer && nextRepetition(subscription.timer as TimerPlan, firedDue, this.rt.now());
    if (!next) return;
    const renewed: Subscription = { ...subscription, key: this.rt.state.keys.next(), timer: next };
    this.rt.state.putSubscription(renewed);
    this.write(renewed, 'CREATED');
  }

  /** Replaces the start event subscriptions of a process by those of its newest version. */
  openStartSubscriptions(definition: ProcessDefinition): void {
    for (const subscription of [...this.rt.state.subscriptionsOf(-1)]) {
      if (subscription.bpmnProcessId === definition.bpmnProcessId) this.close(subscription);
    }
    const model = definition.model;
    const starts = [...model.messageStartEventIds, ...model.timerStartEventIds, ...model.signalStartEventIds];
    for (const id of starts) {
      const element = model.elements.get(id)!;
      const pseudoOwner = { key: -1, processInstanceKey: -1, processDefinitionKey: definition.key, bpmnProcessId: definition.bpmnProcessId } as ElementInstance;
      const planned = this.plan(pseudoOwner, element, -1);
      // Start event values are static or evaluated without variables; a failure leaves the start unsubscribed.
      if (planned && typeof planned !== 'string') this.put({ ...planned, key: this.rt.state.keys.next() }, -1);
    }
  }

  private plan(owner: ElementInstance, target: ElementModel, scopeKey: number): Omit<Subscription, 'key'> | string | undefined {
    const base = {
      ownerKey: owner.key,
      processInstanceKey: owner.processInstanceKey,
      processDefinitionKey: owner.processDefinitionKey,
      bpmnProcessId: owner.bpmnProcessId,
      elementId: target.id,
      interrupting: target.interrupting !== false,
    };
    const context = () => (scopeKey > 0 ? this.rt.variables.context(scopeKey) : {});
    if (target.eventType === 'MESSAGE' && target.message) {
      const name = this.evaluate(target.message.name, context);
      if (!name.ok) return name.message;
      let correlationKey = '';
      if (target.message.correlationKey && owner.key > 0) {
        const key = this.correlationKey(target.message.correlationKey, context);
        if (!key.ok) return key.message;
        correlationKey = key.value;
      }
      return { ...base, kind: 'message', messageName: name.value, correlationKey };
    }
    if (target.eventType === 'SIGNAL' && target.signal) {
      const name = this.evaluate(target.signal.name, context);
      if (!name.ok) return name.message;
      return { ...base, kind: 'signal', signalName: name.value };
    }
    if (target.eventType === 'TIMER' && target.timer) {
      const text = this.timerText(target.timer.value, context);
      if (!text.ok) return text.message;
      const planned = planTimer(target.timer.kind, text.value, this.rt.now(), describe(target.timer.value));
      if (!planned.ok) return planned.message;
      return { ...base, kind: 'timer', timer: planned.plan };
    }
    return undefined;
  }

  private put(subscription: Subscription, ownerKey: number): void {
    this.rt.state.putSubscription(subscription);
    if (isInstanceMessageSubscription(subscription)) this.writeMessageSubscription(subscription, 'CREATED');
    this.write(subscription, 'CREATED');
    if (subscription.kind === 'message' && ownerKey > 0) {
      this.rt.schedule(() => this.rt.events.correlateBuffered(subscription.key));
    }
  }

  /** Zeebe accepts a string or a number (an integer, as text) as correlation key, nothing else. */
  private correlationKey(value: ValueOrExpression, context: () => Record<string, unknown>): Evaluated {
    if (value.kind === 'static') return { ok: true, value: value.value };
    const result = this.rt.expressions.evaluate(value.source, context());
    if (!result.ok) return result;
    if (typeof result.value === 'string') return { ok: true, value: result.value };
    if (typeof result.value === 'number' && Number.isFinite(result.value)) return { ok: true, value: String(Math.trunc(result.value)) };
    return {
      ok: false,
      message: `Failed to extract the correlation key for '${value.source}': The value must be either a string or a number, but was '${jsonTypeName(result.value)}'.`,
    };
  }

  /** A timer expression may give a string or a FEEL duration / date and time (both come back as ISO text). */
  private timerText(value: ValueOrExpression, context: () => Record<string, unknown>): Evaluated {
    if (value.kind === 'static') return { ok: true, value: value.value };
    const result = this.rt.expressions.evaluate(value.source, context());
    if (!result.ok) return result;
    if (typeof result.value === 'string') return { ok: true, value: result.value };
    return {
      ok: false,
      message: `Expected result of the expression '${value.source}' to be 'STRING', 'DURATION' or 'DATE_TIME', but was '${jsonTypeName(result.value)}'.`,
    };
  }

  private evaluate(value: ValueOrExpression, context: () => Record<string, unknown>): Evaluated {
    if (value.kind === 'static') return { ok: true, value: value.value };
    return this.rt.expressions.evaluateString(value.source, context());
  }

  write(subscription: Subscription, intent: string, extra?: Record<string, unknown>): void {
    const { state } = this.rt;
    const now = this.rt.now();
    const pi = subscription.processInstanceKey;
    if (subscription.kind === 'timer') {
      state.log.append('TIMER', intent, subscription.key, now, {
        elementInstanceKey: subscription.ownerKey,
        processInstanceKey: pi,
        processDefinitionKey: subscription.processDefinitionKey,
        dueDate: subscription.timer!.dueDate,
        targetElementId: subscription.elementId,
        repetitions: subscription.timer!.repetitions,
        tenantId: TENANT,
      }, pi, subscription.elementId);
      return;
    }
    if (subscription.kind === 'signal') {
      state.log.append('SIGNAL_SUBSCRIPTION', intent, subscription.key, now, {
        signalName: subscription.signalName,
        processDefinitionKey: subscription.processDefinitionKey,
        bpmnProcessId: subscription.bpmnProcessId,
        catchEventId: subscription.elementId,
        catchEventInstanceKey: subscription.ownerKey,
        tenantId: TENANT,
      }, pi, subscription.elementId);
      return;
    }
    const start = subscription.ownerKey < 0;
    state.log.append(start ? 'MESSAGE_START_EVENT_SUBSCRIPTION' : 'PROCESS_MESSAGE_SUBSCRIPTION', intent, subscription.key, now, {
      processInstanceKey: pi,
      elementInstanceKey: subscription.ownerKey,
      processDefinitionKey: subscription.processDefinitionKey,
      bpmnProcessId: subscription.bpmnProcessId,
      elementId: subscription.elementId,
      startEventId: start ? subscription.elementId : undefined,
      messageName: subscription.messageName,
      correlationKey: subscription.correlationKey,
      interrupting: subscription.interrupting,
      messageKey: -1,
      variables: {},
      tenantId: TENANT,
      ...extra,
    }, pi, subscription.elementId);
  }

  /**
   * The message side of an element instance's message subscription (MESSAGE_SUBSCRIPTION), which
   * Zeebe keeps next to the process side (PROCESS_MESSAGE_SUBSCRIPTION). One engine holds both,
   * so both records carry the subscription's key.
   */
  private writeMessageSubscription(subscription: Subscription, intent: string, correlation?: { messageKey: number; variables: Record<string, unknown> }): void {
    const pi = subscription.processInstanceKey;
    this.rt.state.log.append('MESSAGE_SUBSCRIPTION', intent, subscription.key, this.rt.now(), {
      processInstanceKey: pi,
      elementInstanceKey: subscription.ownerKey,
      bpmnProcessId: subscription.bpmnProcessId,
      messageName: subscription.messageName,
      correlationKey: subscription.correlationKey,
      interrupting: subscription.interrupting,
      messageKey: correlation?.messageKey ?? -1,
      variables: correlation?.variables ?? {},
      tenantId: TENANT,
    }, pi, subscription.elementId);
  }
}

export { messageKey };

/** A message subscription of an element instance (not of a process's message start event). */
function isInstanceMessageSubscription(subscription: Subscription): boolean {
  return subscription.kind === 'message' && subscription.ownerKey > 0;
}

function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return 'ARRAY';
  if (typeof value === 'object') return 'OBJECT';
  return typeof value === 'boolean' ? 'BOOLEAN' : typeof value === 'number' ? 'NUMBER' : 'STRING';
}

function describe(value: ValueOrExpression): string {
  return value.kind === 'static' ? value.value : value.source;
}
