/**
 * Cron expressions as Zeebe accepts them (Spring's format): six fields — second, minute, hour,
 * day of month, month, day of week — each `*`, `?`, a value, a range `a-b`, a list `a,b` or a
 * step `x/n`; month and weekday names (JAN, MON); five-field expressions get second 0; macros
 * @yearly @monthly @weekly @daily @hourly. Evaluated in UTC.
 */
export interface Cron {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Whether day of month / day of week were restricted (they combine with OR when both are). */
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseCron(text: string): Cron | undefined {
  const expanded = MACROS[text.trim().toLowerCase()] ?? text.trim();
  let fields = expanded.split(/\s+/);
  if (fields.length === 5) fields = ['0', ...fields];
  if (fields.length !== 6) return undefined;
  const seconds = field(fields[0], 0, 59);
  const minutes = field(fields[1], 0, 59);
  const hours = field(fields[2], 0, 23);
  const days = field(fields[3], 1, 31);
  const months = field(fields[4], 1, 12, MONTHS, 1);
  const weekdays = field(fields[5].replace(/\b7\b/g, '0'), 0, 6, WEEKDAYS, 0);
  if (!seconds || !minutes || !hours || !days || !months || !weekdays) return undefined;
  return {
    seconds,
    minutes,
    hours,
    days,
    months,
    weekdays,
    daysRestricted: !/^[*?]$/.test(fields[3]),
    weekdaysRestricted: !/^[*?]$/.test(fields[5]),
  };
}

/** The first instant strictly after `after` that the expression matches (within ~5 years). */
export function nextCronTime(cron: Cron, after: number): number | undefined {
  const date = new Date(Math.floor(after / 1000) * 1000 + 1000);
  const limit = after + 5 * 366 * 86_400_000;
  while (date.getTime() <= limit) {
    if (!cron.months.has(date.getUTCMonth() + 1)) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(cron, date)) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!cron.hours.has(date.getUTCHours())) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!cron.minutes.has(date.getUTCMinutes())) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    if (!cron.seconds.has(date.getUTCSeconds())) {
      date.setUTCSeconds(date.getUTCSeconds() + 1, 0);
      continue;
    }
    return date.getTime();
  }
  return undefined;
}

function dayMatches(cron: Cron, date: Date): boolean {
  const day = cron.days.has(date.getUTCDate());
  const weekday = cron.weekdays.has(date.getUTCDay());
  if (cron.daysRestricted && cron.weekdaysRestricted) return day || weekday;
  return day && weekday;
}

function field(text: string, min: number, max: number, names?: string[], nameBase = 0): Set<number> | undefined {
  const out = new Set<number>();
  const value = (part: string): number | undefined => {
    const index = names?.indexOf(part.toUpperCase()) ?? -1;
    if (index >= 0) return index + nameBase;
    if (!/^\d+$/.test(part)) return undefined;
    return Number(part);
  };
  for (const item of text.split(',')) {
    const [rangePart, stepPart] = item.split('/');
    const step = stepPart === undefined ? 1 : Number(stepPart);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (rangePart === '*' || rangePart === '?') {
      from = min;
      to = max;
    } else if (rangePart.includes('-')) {
      const [a, b] = rangePart.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(rangePart);
      to = stepPart === undefined ? from : max;
    }
    if (from === undefined || to === undefined || from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}
