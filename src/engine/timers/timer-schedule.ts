import type { TimerDefinition } from '../model/model';
import { nextCronTime, parseCron } from './cron';
import { addDuration, parseIsoDateTime, parseIsoDuration, type IsoDuration } from './iso-duration';

/** When a timer is due and how it repeats; stored on the timer so it can be re-armed. */
export interface TimerPlan {
  dueDate: number;
  /**
   * Occurrences left, this one included, as Zeebe's TIMER record counts them: 1 for a
   * duration or date timer and the last occurrence of a cycle, -1 unbounded.
   */
  repetitions: number;
  /** What the next due date is computed from: a duration or a cron expression. */
  interval?: string;
  cron?: string;
}

export type TimerResult = { ok: true; plan: TimerPlan } | { ok: false; message: string };

/**
 * Computes the first due date of a timer from its (already evaluated) text. Durations count
 * from `now`; a date in the past or a non-positive duration is due at once.
 */
export function planTimer(kind: TimerDefinition['kind'], text: string, now: number, expression: string): TimerResult {
  if (kind === 'duration') {
    const duration = parseIsoDuration(text);
    if (!duration) return invalid('duration', text, expression);
    return { ok: true, plan: { dueDate: Math.max(now, addDuration(now, duration)), repetitions: 1 } };
  }
  if (kind === 'date') {
    const date = parseIsoDateTime(text);
    if (date === undefined) return invalid('date', text, expression);
    return { ok: true, plan: { dueDate: date, repetitions: 1 } };
  }
  const cycle = /^R(\d*)\/(?:([^/]+)\/)?([^/]+)$/.exec(text.trim());
  if (cycle) {
    const duration = parseIsoDuration(cycle[3]);
    if (!duration || isZero(duration)) return invalid('cycle', text, expression);
    const start = cycle[2] === undefined ? undefined : parseIsoDateTime(cycle[2]);
    if (cycle[2] !== undefined && start === undefined) return invalid('cycle', text, expression);
    const total = cycle[1] === '' ? -1 : Number(cycle[1]);
    if (total === 0) return invalid('cycle', text, expression);
    const dueDate = start ?? addDuration(now, duration);
    return { ok: true, plan: { dueDate, repetitions: total < 0 ? -1 : total, interval: cycle[3] } };
  }
  const cron = parseCron(text);
  if (cron) {
    const due = nextCronTime(cron, now);
    if (due === undefined) return invalid('cycle', text, expression);
    return { ok: true, plan: { dueDate: due, repetitions: -1, cron: text } };
  }
  return invalid('cycle', text, expression);
}

/**
 * The plan after a firing at `firedDue`, or undefined when no repetition is left. As in Zeebe
 * (TimerTriggerProcessor): the next occurrence is one interval after the fired due date, so a
 * timer that fires a little late keeps its schedule; when that occurrence is already past (the
 * engine was down), it is one interval after `now` instead, so a late timer fires once and the
 * cycle restarts from the trigger time. A cron cycle takes its next time after `now`.
 */
export function nextRepetition(plan: TimerPlan, firedDue: number, now: number): TimerPlan | undefined {
  if (plan.repetitions >= 0 && plan.repetitions <= 1) return undefined;
  const repetitions = plan.repetitions < 0 ? -1 : plan.repetitions - 1;
  if (plan.cron) {
    const cron = parseCron(plan.cron);
    const due = cron && nextCronTime(cron, Math.max(firedDue, now));
    return due === undefined ? undefined : { ...plan, dueDate: due, repetitions };
  }
  const duration = parseIsoDuration(plan.interval ?? '');
  if (!duration || isZero(duration)) return undefined;
  const onSchedule = addDuration(firedDue, duration);
  const due = onSchedule > now ? onSchedule : addDuration(now, duration);
  return { ...plan, dueDate: due, repetitions };
}

function isZero(d: IsoDuration): boolean {
  return d.years === 0 && d.months === 0 && d.days === 0 && d.ms <= 0;
}

function invalid(kind: string, text: string, expression: string): TimerResult {
  const label = kind === 'duration' ? 'duration' : kind === 'date' ? 'date' : 'cycle';
  return { ok: false, message: `Invalid timer ${label} '${text}' (from the expression '${expression}').` };
}
