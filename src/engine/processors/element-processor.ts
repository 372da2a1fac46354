import type { BpmnRuntime } from '../bpmn-runtime';
import { EngineInvariantError } from '../errors';
import type { BpmnElementType, ElementModel } from '../model/model';
import type { ElementInstance } from '../state/entities';

/**
 * One per BPMN element kind. The runtime runs the shared lifecycle (input/output mappings,
 * execution listeners, records, scope bookkeeping) and calls these hooks for what differs.
 */
export interface ElementProcessor {
  /**
   * The element was activated (ACTIVATING, inputs applied, start listeners done). It must
   * transition to ACTIVATED and either wait (a job, a subscription, children) or complete
   * at once, or raise an incident and stay where it is.
   */
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void;
  /**
   * The element completed (COMPLETED written): take the flows it leaves by. Defaults to
   * every outgoing flow.
   */
  leave?(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel, scope: ElementInstance): void;
  /** The element is being terminated: release what it holds (a called instance, …). */
  terminate?(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void;
  /** An incident raised after ACTIVATED was resolved: carry on from where it stopped. */
  resume?(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void;
  /** Containers that manage their children themselves (multi-instance): a child completed, before it is removed. */
  childCompleting?(rt: BpmnRuntime, scope: ElementInstance, child: ElementInstance): void;
  /** …and after it was removed. */
  childEnded?(rt: BpmnRuntime, scope: ElementInstance): void;
}

export class ProcessorRegistry {
  private readonly processors = new Map<BpmnElementType, ElementProcessor>();

  register(types: BpmnElementType[], processor: ElementProcessor): this {
    for (const type of types) this.processors.set(type, processor);
    return this;
  }

  get(type: BpmnElementType): ElementProcessor {
    const processor = this.processors.get(type);
    if (!processor) throw new EngineInvariantError(`No processor registered for element type ${type}`);
    return processor;
  }

  supports(type: BpmnElementType): boolean {
    return this.processors.has(type);
  }
}
