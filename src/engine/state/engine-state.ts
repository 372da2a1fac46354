import { DueHeap } from '../util/heap';
import { KeyGenerator } from '../keys';
import { RecordLog } from '../records/record';
import type { BufferedMessage, ElementInstance, Incident, Job, ProcessDefinition, Subscription } from './entities';
import { TrackedTable } from './tracked-table';
import { VariableTable } from './variable-table';

/**
 * Everything the engine knows, in memory. The single writer mutates it while processing a
 * batch; the batch's net changes are then written to the store in one transaction. After a
 * failed write or a broken invariant the state is thrown away and reloaded from the store.
 */
export class EngineState {
  readonly keys = new KeyGenerator();
  readonly log = new RecordLog();

  readonly definitions = new Map<number, ProcessDefinition>();
  /** bpmnProcessId → versions in ascending order. */
  readonly definitionsById = new Map<string, ProcessDefinition[]>();
  /** Definitions deployed in the current batch (definitions are immutable once written). */
  newDefinitions: ProcessDefinition[] = [];

  readonly elements = new TrackedTable<ElementInstance>('element_instance');
  readonly jobs = new TrackedTable<Job>('job');
  readonly incidents = new TrackedTable<Incident>('incident');
  readonly subscriptions = new TrackedTable<Subscription>('subscription');
  readonly messages = new TrackedTable<BufferedMessage>('message');
  readonly variables = new VariableTable();

  /** Derived indexes, rebuilt on load. */
  readonly children = new Map<number, Set<number>>();
  readonly activatableByType = new Map<string, Map<number, Job>>();
  readonly jobDeadlines = new DueHeap<{ key: number; deadline: number }>();
  readonly jobBackoffs = new DueHeap<{ key: number; recurAt: number }>();
  readonly incidentsByElement = new Map<number, Set<number>>();
  readonly subscriptionsByOwner = new Map<number, Set<number>>();
  /** Message subscriptions of element instances by `name\0correlationKey`, oldest first. */
  readonly messageSubscriptions = new Map<string, Set<number>>();
  /** Message start event subscriptions by message name. */
  readonly messageStartSubscriptions = new Map<string, Set<number>>();
  readonly signalSubscriptions = new Map<string, Set<number>>();
  readonly timers = new DueHeap<{ key: number; dueDate: number }>();
  /** Buffered messages by `name\0correlationKey`, oldest first. */
  readonly bufferedMessages = new Map<string, Map<number, BufferedMessage>>();
  /** `name\0correlationKey\0messageId` of buffered messages that have an id. */
  readonly messageIds = new Set<string>();
  readonly messageDeadlines = new DueHeap<{ key: number; deadline: number }>();
  /** `bpmnProcessId\0correlationKey` → the active instance a message start event created. */
  readonly messageStartedInstances = new Map<string, number>();

  /** The tables written by the store, in write order. */
  get tables(): TrackedTable<{ key: number }>[] {
    return [this.elements, this.jobs, this.incidents, this.subscriptions, this.messages] as TrackedTable<{ key: number }>[];
  }

  addDefinition(definition: ProcessDefinition, isNew: boolean): void {
    this.definitions.set(definition.key, definition);
    const versions = this.definitionsById.get(definition.bpmnProcessId) ?? [];
    versions.push(definition);
    versions.sort((a, b) => a.version - b.version);
    this.definitionsById.set(definition.bpmnProcessId, versions);
    if (isNew) this.newDefinitions.push(definition);
  }

  latestDefinition(bpmnProcessId: string): ProcessDefinition | undefined {
    const versions = this.definitionsById.get(bpmnProcessId);
    return versions?.[versions.length - 1];
  }

  // --- element instances -------------------------------------------------------------

  putElement(instance: ElementInstance): void {
    this.elements.put(instance);
    if (instance.flowScopeKey > 0) {
      let set = this.children.get(instance.flowScopeKey);
      if (!set) this.children.set(instance.flowScopeKey, (set = new Set()));
      set.add(instance.key);
    }
  }

  removeElement(instance: ElementInstance): void {
    this.elements.delete(instance.key);
    const siblings = this.children.get(instance.flowScopeKey);
    if (siblings) {
      siblings.delete(instance.key);
      if (siblings.size === 0) this.children.delete(instance.flowScopeKey);
    }
    this.variables.deleteScope(instance.key);
  }

  childrenOf(scopeKey: number): ElementInstance[] {
    const keys = this.children.get(scopeKey);
    if (!keys) return [];
    const out: ElementInstance[] = [];
    for (const key of keys) {
      const child = this.elements.get(key);
      if (child) out.push(child);
    }
    return out;
  }

  // --- jobs --------------------------------------------------------------------------

  putJob(job: Job): void {
    this.jobs.put(job);
    this.indexJob(job);
  }

  /** Re-indexes a job whose state changed in place and marks it for writing. */
  updateJob(job: Job): void {
    this.jobs.touch(job);
    this.indexJob(job);
  }

  removeJob(key: number): Job | undefined {
    const job = this.jobs.delete(key);
    if (job) this.activatableByType.get(job.type)?.delete(key);
    return job;
  }

  private indexJob(job: Job): void {
    let byType = this.activatableByType.get(job.type);
    if (job.state === 'ACTIVATABLE') {
      if (!byType) this.activatableByType.set(job.type, (byType = new Map()));
      byType.set(job.key, job);
    } else {
      byType?.delete(job.key);
    }
    if (job.state === 'ACTIVATED') this.jobDeadlines.push(job.deadline, { key: job.key, deadline: job.deadline });
    if (job.state === 'FAILED' && job.recurAt > 0) this.jobBackoffs.push(job.recurAt, { key: job.key, recurAt: job.recurAt });
  }

  // --- incidents ---------------------------------------------------------------------

  putIncident(incident: Incident): void {
    this.incidents.put(incident);
    let set = this.incidentsByElement.get(incident.elementInstanceKey);
    if (!set) this.incidentsByElement.set(incident.elementInstanceKey, (set = new Set()));
    set.add(incident.key);
  }

  removeIncident(key: number): Incident | undefined {
    const incident = this.incidents.delete(key);
    if (incident) {
      const set = this.incidentsByElement.get(incident.elementInstanceKey);
      set?.delete(key);
      if (set && set.size === 0) this.incidentsByElement.delete(incident.elementInstanceKey);
    }
    return incident;
  }

  incidentsOf(elementInstanceKey: number): Incident[] {
    const keys = this.incidentsByElement.get(elementInstanceKey);
    return keys ? [...keys].map((k) => this.incidents.get(k)!).filter(Boolean) : [];
  }

  // --- subscriptions -----------------------------------------------------------------

  putSubscription(subscription: Subscription): void {
    this.subscriptions.put(subscription);
    this.indexSubscription(subscription);
  }

  removeSubscription(key: number): Subscription | undefined {
    const subscription = this.subscriptions.delete(key);
    if (!subscription) return undefined;
    removeFrom(this.subscriptionsByOwner, subscription.ownerKey, key);
    if (subscription.kind === 'message') {
      if (subscription.ownerKey < 0) removeFrom(this.messageStartSubscriptions, subscription.messageName!, key);
      else removeFrom(this.messageSubscriptions, messageKey(subscription.messageName!, subscription.correlationKey!), key);
    }
    if (subscription.kind === 'signal') removeFrom(this.signalSubscriptions, subscription.signalName!, key);
    return subscription;
  }

  subscriptionsOf(ownerKey: number): Subscription[] {
    const keys = this.subscriptionsByOwner.get(ownerKey);
    return keys ? [...keys].map((k) => this.subscriptions.get(k)!).filter(Boolean) : [];
  }

  private indexSubscription(subscription: Subscription): void {
    addTo(this.subscriptionsByOwner, subscription.ownerKey, subscription.key);
    if (subscription.kind === 'message') {
      if (subscription.ownerKey < 0) addTo(this.messageStartSubscriptions, subscription.messageName!, subscription.key);
      else addTo(this.messageSubscriptions, messageKey(subscription.messageName!, subscription.correlationKey!), subscription.key);
    }
    if (subscription.kind === 'signal') addTo(this.signalSubscriptions, subscription.signalName!, subscription.key);
    if (subscription.kind === 'timer') {
      this.timers.push(subscription.timer!.dueDate, { key: subscription.key, dueDate: subscription.timer!.dueDate });
    }
  }

  // --- buffered messages -------------------------------------------------------------

  putMessage(message: BufferedMessage): void {
    this.messages.put(message);
    this.indexMessage(message);
  }

  removeMessage(key: number): BufferedMessage | undefined {
    const message = this.messages.delete(key);
    if (!message) return undefined;
    const id = messageKey(message.name, message.correlationKey);
    const list = this.bufferedMessages.get(id);
    list?.delete(key);
    if (list && list.size === 0) this.bufferedMessages.delete(id);
    if (message.messageId) this.messageIds.delete(`${id}\u0000${message.messageId}`);
    return message;
  }

  private indexMessage(message: BufferedMessage): void {
    const id = messageKey(message.name, message.correlationKey);
    let list = this.bufferedMessages.get(id);
    if (!list) this.bufferedMessages.set(id, (list = new Map()));
    list.set(message.key, message);
    if (message.messageId) this.messageIds.add(`${id}\u0000${message.messageId}`);
    this.messageDeadlines.push(message.deadline, { key: message.key, deadline: message.deadline });
  }

  // --- recovery ----------------------------------------------------------------------

  clear(): void {
    this.definitions.clear();
    this.definitionsById.clear();
    this.newDefinitions = [];
    for (const table of this.tables) table.clear();
    this.variables.clear();
    this.children.clear();
    this.activatableByType.clear();
    this.jobDeadlines.clear();
    this.jobBackoffs.clear();
    this.incidentsByElement.clear();
    this.subscriptionsByOwner.clear();
    this.messageSubscriptions.clear();
    this.messageStartSubscriptions.clear();
    this.signalSubscriptions.clear();
    this.timers.clear();
    this.bufferedMessages.clear();
    this.messageIds.clear();
    this.messageDeadlines.clear();
    this.messageStartedInstances.clear();
    this.log.discard();
  }

  /** Rebuilds the derived indexes after rows were loaded with `load()`. */
  rebuildIndexes(): void {
    for (const instance of this.elements.values()) {
      if (instance.flowScopeKey > 0) {
        let set = this.children.get(instance.flowScopeKey);
        if (!set) this.children.set(instance.flowScopeKey, (set = new Set()));
        set.add(instance.key);
      }
    }
    for (const job of this.jobs.values()) this.indexJob(job);
    for (const incident of this.incidents.values()) {
      let set = this.incidentsByElement.get(incident.elementInstanceKey);
      if (!set) this.incidentsByElement.set(incident.elementInstanceKey, (set = new Set()));
      set.add(incident.key);
    }
    for (const subscription of [...this.subscriptions.values()].sort((a, b) => a.key - b.key)) this.indexSubscription(subscription);
    for (const message of [...this.messages.values()].sort((a, b) => a.key - b.key)) this.indexMessage(message);
    for (const instance of this.elements.values()) {
      const started = instance.extra?.startedByMessage as { correlationKey: string } | undefined;
      if (instance.type === 'PROCESS' && started?.correlationKey) {
        this.messageStartedInstances.set(`${instance.bpmnProcessId}\u0000${started.correlationKey}`, instance.key);
      }
    }
  }
}

export function messageKey(name: string, correlationKey: string): string {
  return `${name}\u0000${correlationKey}`;
}

function addTo<K>(index: Map<K, Set<number>>, key: K, value: number): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K>(index: Map<K, Set<number>>, key: K, value: number): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
