import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

interface Loop {
  /** The input collection, evaluated once when the body activates. */
  items: unknown[];
  /** Inner instances created so far. */
  started: number;
  completed: number;
  done: boolean;
}

/**
 * The body of a multi-instance activity: evaluates the input collection once, runs one inner
 * instance per item (all at once, or one after the other when sequential) with `loopCounter`
 * (from 1) and the input element as locals, fills the output collection by index, and ends
 * early when the completion condition holds.
 */
export class MultiInstanceBodyProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, body: ElementInstance, element: ElementModel): void {
    const mi = element.multiInstance!;
    const items = rt.expressions.evaluateList(mi.inputCollection, rt.variables.context(body.key));
    if (!items.ok) {
      rt.incidents.raise(body, 'EXTRACT_VALUE_ERROR', items.message, 'activate');
      return;
    }
    const loop: Loop = { items: items.value, started: 0, completed: 0, done: false };
    body.extra = { ...body.extra, loop };
    rt.transition(body, 'ACTIVATED', element);
    if (mi.outputCollection) rt.variables.setLocal(body, { [mi.outputCollection]: items.value.map(() => null) });
    if (items.value.length === 0) return rt.complete(body, () => this.propagateOutput(rt, body, element));
    const first = mi.isSequential ? 1 : items.value.length;
    for (let i = 0; i < first; i++) this.startInner(rt, body, element, loop);
  }

  childCompleting(rt: BpmnRuntime, body: ElementInstance, inner: ElementInstance): void {
    const element = rt.elementOf(body);
    const mi = element.multiInstance!;
    const loop = body.extra!.loop as Loop;
    loop.completed++;
    const context = rt.variables.context(inner.key);
    if (mi.outputCollection) {
      const value = mi.outputElement ? rt.expressions.evaluate(mi.outputElement, context) : { ok: true as const, value: null };
      const collection = [...((rt.variables.local(body.key)[mi.outputCollection] as unknown[]) ?? [])];
      collection[(inner.extra?.loop as { loopCounter: number }).loopCounter - 1] = value.ok ? value.value : null;
      rt.variables.setLocal(body, { [mi.outputCollection]: collection });
    }
    if (mi.completionCondition) {
      const active = rt.state.childrenOf(body.key).filter((c) => c.key !== inner.key).length;
      const condition = rt.expressions.evaluateCondition(mi.completionCondition, {
        ...context,
        numberOfInstances: loop.items.length,
        numberOfActiveInstances: active,
        numberOfCompletedInstances: loop.completed,
        numberOfTerminatedInstances: 0,
      });
      if (condition.ok && condition.value) loop.done = true;
    }
    rt.state.elements.touch(body);
  }

  childEnded(rt: BpmnRuntime, body: ElementInstance): void {
    if (body.state !== 'ACTIVATED') return;
    const element = rt.elementOf(body);
    const loop = body.extra!.loop as Loop;
    if (loop.done) {
      for (const inner of rt.state.childrenOf(body.key)) rt.terminate(inner);
    } else if (element.multiInstance!.isSequential && loop.started < loop.items.length) {
      return this.startInner(rt, body, element, loop);
    }
    if (body.activeChildren === 0) rt.complete(body, () => this.propagateOutput(rt, body, element));
  }

  private startInner(rt: BpmnRuntime, body: ElementInstance, element: ElementModel, loop: Loop): void {
    const index = loop.started++;
    rt.state.elements.touch(body);
    const mi = element.multiInstance!;
    // A plain variable name as output element gets a local of its own in each instance.
    const outputElement = mi.outputElement && /^[A-Za-z_][\w]*$/.test(mi.outputElement.trim()) ? mi.outputElement.trim() : undefined;
    rt.activateChild(body, element.id, {
      extra: { loop: { loopCounter: index + 1, inputElement: mi.inputElement, item: loop.items[index], outputElement } },
    });
  }

  /** The output collection is the body's; like an output mapping it goes to the flow scope. */
  private propagateOutput(rt: BpmnRuntime, body: ElementInstance, element: ElementModel): void {
    const name = element.multiInstance!.outputCollection;
    if (!name) return;
    rt.variables.merge(rt.scopeOf(body), { [name]: rt.variables.local(body.key)[name] ?? [] });
  }
}
