import type { ElementModel, ValueOrExpression } from '../model';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';

/**
 * Catch events that compete for the same trigger in one place (the boundary events of an
 * activity, the event subprocesses of a scope, the branches of an event-based gateway) must be
 * distinguishable: no two with the same message or signal name, and at most one handler per
 * error or escalation code, a missing code counting as the catch-all code.
 */
export function checkCatchDuplicates(ctx: ParseContext, reportOnId: string, events: readonly ElementModel[]): void {
  const messageNames = events.flatMap((event) => (event.message ? [raw(event.message.name)] : []));
  for (const name of duplicates(messageNames)) ctx.report(reportOnId, Problems.duplicateMessage(name));
  const signalNames = events.flatMap((event) => (event.signal ? [raw(event.signal.name)] : []));
  for (const name of duplicates(signalNames)) ctx.report(reportOnId, Problems.duplicateSignal(name));

  const errorCodes = events.flatMap((event) => (event.error ? [codeOf(event.error.errorCode)] : []));
  for (const code of duplicates(errorCodes)) {
    ctx.report(reportOnId, code === undefined ? Problems.duplicateCatchAllError : Problems.duplicateErrorCode(code));
  }
  const escalationCodes = events.flatMap((event) => (event.escalation ? [codeOf(event.escalation.escalationCode)] : []));
  for (const code of duplicates(escalationCodes)) {
    ctx.report(
      reportOnId,
      code === undefined ? Problems.duplicateCatchAllEscalation : Problems.duplicateEscalationCode(code),
    );
  }
}

/** The value as written in the diagram, which is what Zeebe compares. */
export function raw(value: ValueOrExpression): string {
  return value.kind === 'static' ? value.value : `=${value.source}`;
}

function codeOf(code: ValueOrExpression | undefined): string | undefined {
  return code === undefined ? undefined : raw(code);
}

function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const repeated = new Set<T>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return [...repeated];
}
