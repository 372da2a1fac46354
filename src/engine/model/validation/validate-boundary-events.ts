import { isActivity } from '../element-kind';
import type { ElementModel } from '../model';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { checkCatchDuplicates, raw } from './check-catch-duplicates';

const ESCALATION_HOSTS = new Set(['SUB_PROCESS', 'CALL_ACTIVITY']);

/**
 * Attaches boundary events to their activity (`boundaryEventIds`, in document order) and checks
 * them: the host must be an activity, escalations can only come out of subprocesses and call
 * activities, and the events of one activity must not compete for the same trigger.
 */
export function linkBoundaryEvents(
  ctx: ParseContext,
  elements: ReadonlyMap<string, ElementModel>,
  rejected: ReadonlySet<string>,
): void {
  for (const event of elements.values()) {
    if (event.type !== 'BOUNDARY_EVENT') continue;
    if (event.incoming.length > 0) ctx.report(event.id, Problems.boundaryIncoming);
    if (event.attachedToId === undefined) continue;
    const host = elements.get(event.attachedToId);
    if (!host || !isActivity(host.type)) {
      // A host already rejected as unsupported has its problem; one is enough.
      if (!rejected.has(event.attachedToId)) ctx.report(event.id, Problems.boundaryNotAttached);
      delete event.attachedToId;
      continue;
    }
    host.boundaryEventIds?.push(event.id);
    if (event.eventType === 'ESCALATION' && !ESCALATION_HOSTS.has(host.type)) {
      ctx.report(event.id, Problems.escalationBoundaryHost);
    }
  }
  for (const activity of elements.values()) {
    if (!activity.boundaryEventIds?.length) continue;
    const events = activity.boundaryEventIds.flatMap((id) => elements.get(id) ?? []);
    checkCatchDuplicates(ctx, activity.id, events);
    if (activity.type === 'RECEIVE_TASK' && activity.message) checkReceiveTask(ctx, activity, events);
  }
}

/** A receive task and its boundary event waiting for the same message could not be told apart. */
function checkReceiveTask(ctx: ParseContext, task: ElementModel, events: readonly ElementModel[]): void {
  const name = task.message && raw(task.message.name);
  if (events.some((event) => event.message && raw(event.message.name) === name)) {
    ctx.report(task.id, Problems.receiveTaskBoundaryMessage);
  }
}
