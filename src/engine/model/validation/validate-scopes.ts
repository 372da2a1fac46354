import type { ElementModel } from '../model';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { checkCatchDuplicates } from './check-catch-duplicates';

/**
 * Rules per scope (process, subprocess, event subprocess): its start events, its event
 * subprocesses, and its link events, which only jump within their own scope.
 */
export function validateScopes(ctx: ParseContext, elements: ReadonlyMap<string, ElementModel>): void {
  for (const scope of elements.values()) {
    if (!scope.childIds) continue;
    const children = scope.childIds.flatMap((id) => elements.get(id) ?? []);
    validateStartEvents(ctx, scope, children);
    const eventSubprocessStarts = (scope.eventSubprocessStartIds ?? []).flatMap((id) => elements.get(id) ?? []);
    checkCatchDuplicates(ctx, scope.id, eventSubprocessStarts);
    validateLinks(ctx, scope, children);
  }
}

function validateStartEvents(ctx: ParseContext, scope: ElementModel, children: readonly ElementModel[]): void {
  const starts = children.filter((child) => child.type === 'START_EVENT');
  if (scope.type !== 'PROCESS') {
    if (starts.length !== 1) ctx.report(scope.id, Problems.subprocessStartCount);
    return;
  }
  if (starts.length === 0) ctx.report(scope.id, Problems.noStartEvent);
  if (starts.filter((start) => start.eventType === 'NONE').length > 1) {
    ctx.report(scope.id, Problems.multipleNoneStartEvents);
  }
  // Message start events are compared per referenced message, with the moddle elements.
  checkCatchDuplicates(ctx, scope.id, starts.filter((start) => start.signal !== undefined));
}

function validateLinks(ctx: ParseContext, scope: ElementModel, children: readonly ElementModel[]): void {
  const catchNames = new Set<string>();
  for (const child of children) {
    if (child.type !== 'INTERMEDIATE_CATCH_EVENT' || !child.link) continue;
    if (catchNames.has(child.link.name)) ctx.report(scope.id, Problems.duplicateLinkCatch(child.link.name));
    catchNames.add(child.link.name);
  }
  for (const child of children) {
    if (child.type !== 'INTERMEDIATE_THROW_EVENT' || !child.link) continue;
    if (!catchNames.has(child.link.name)) ctx.report(scope.id, Problems.linkWithoutCatch(child.link.name));
  }
}
