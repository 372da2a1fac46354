import { isGateway } from '../element-kind';
import type { ElementModel, ExecutionListenerModel } from '../model';
import { attr, children, extensions, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readJobDefinition } from './read-job-definition';

/**
 * Reads `zeebe:executionListeners` (Zeebe ≥ 8.6): eventType defaults to start, retries to "3".
 * Listener kinds an element cannot run are problems, as in Zeebe: no start listeners on start
 * and boundary events (they are triggered, not entered), no end listeners on gateways and on
 * error or escalation end events (they never complete normally).
 */
export function readExecutionListeners(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  const listeners: ExecutionListenerModel[] = [];
  const counts = new Map<string, number>();
  for (const container of extensions(element, 'zeebe:ExecutionListeners')) {
    for (const listener of children(container, 'listeners')) {
      const eventType = attr(listener, 'eventType') ?? 'start';
      const key = `${eventType}\u0000${attr(listener, 'type') ?? ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (eventType !== 'start' && eventType !== 'end') {
        ctx.report(model.id, Problems.listenerEventType(eventType));
        continue;
      }
      const job = readJobDefinition(ctx, model.id, listener);
      if (job) listeners.push({ eventType, ...job });
    }
  }
  for (const [key, count] of counts) {
    const [eventType, type] = key.split('\u0000');
    if (count > 1) ctx.report(model.id, Problems.duplicateListeners(count, eventType, type));
  }
  checkSupportedListeners(ctx, model, listeners);
  if (listeners.length > 0) model.executionListeners = listeners;
}

function checkSupportedListeners(ctx: ParseContext, model: ElementModel, listeners: ExecutionListenerModel[]): void {
  const has = (eventType: 'start' | 'end') => listeners.some((listener) => listener.eventType === eventType);
  if (model.type === 'START_EVENT' && has('start')) {
    ctx.report(model.id, Problems.listenerNotSupported('start', 'start events'));
  }
  if (model.type === 'BOUNDARY_EVENT' && has('start')) {
    ctx.report(model.id, Problems.listenerNotSupported('start', 'boundary events'));
  }
  if (isGateway(model.type) && has('end')) {
    ctx.report(model.id, Problems.listenerNotSupported('end', 'gateway element'));
  }
  const throwsError = model.eventType === 'ERROR' || model.eventType === 'ESCALATION';
  if (model.type === 'END_EVENT' && throwsError && has('end')) {
    ctx.report(model.id, Problems.listenerNotSupported('end', '[escalation, error] end events'));
  }
}
