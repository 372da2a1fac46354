import { FeelDate, FeelDateTime, FeelDuration, FeelTime } from 'feelin';

interface TimeFields {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  microsecond: number;
  nanosecond: number;
}

/**
 * The string Zeebe stores in a variable for a FEEL temporal value (its FEEL-to-MessagePack
 * transformer), or null for anything else:
 *
 * - date: `2024-03-31`
 * - local time: Java's `LocalTime.toString`, which drops zero seconds: `10:30`, `10:30:15.250`
 * - zoned time: `10:30:00+01:00`, `10:30:00Z`, `10:30:00@Europe/Berlin`
 * - local date-time: `2024-03-31T10:30:00`
 * - zoned date-time: offset form, the zone id dropped: `2024-03-31T10:30:00+02:00`, `…Z`
 * - days-time duration: `P1DT2H30M`, `P0D`, `-PT5S` (whole seconds, days never folded)
 * - years-months duration: `P1Y2M`, `P0Y`
 */
export function formatTemporal(value: unknown): string | null {
  if (value instanceof FeelDate) return value.unwrap().toString();
  if (value instanceof FeelTime) return formatTime(value);
  if (value instanceof FeelDateTime) return formatDateTime(value);
  if (value instanceof FeelDuration) {
    return value.yearsMonths ? formatYearsMonths(value) : formatDaysTime(value);
  }
  return null;
}

function formatTime(value: FeelTime): string {
  const time = value.unwrap();
  if (value.zone === null) return javaLocalTime(time);
  if (value.zone.includes('/')) return `${isoLocalTime(time)}@${value.zone}`;
  return isoLocalTime(time) + offsetId(value.zone === 'UTC' ? '+00:00' : value.zone);
}

function formatDateTime(value: FeelDateTime): string {
  const dateTime = value.unwrap();
  const local = `${dateTime.toPlainDate().toString()}T${isoLocalTime(dateTime)}`;
  if (value.zone === null) return local;
  return local + offsetId(dateTime.toZonedDateTime(value.zone).offset);
}

function formatYearsMonths(value: FeelDuration): string {
  const duration = value.unwrap();
  const months = Math.abs(duration.years * 12 + duration.months);
  if (months === 0) return 'P0Y';
  const years = Math.trunc(months / 12);
  const text = `P${unit(years, 'Y')}${unit(months % 12, 'M')}`;
  return duration.sign < 0 ? `-${text}` : text;
}

function formatDaysTime(value: FeelDuration): string {
  const d = value.unwrap();
  const hours = (d.weeks * 7 + d.days) * 24 + d.hours;
  const seconds = Math.abs(Math.trunc(hours * 3600 + d.minutes * 60 + d.seconds));
  if (seconds === 0) return 'P0D';
  const hms = [Math.trunc(seconds / 3600) % 24, Math.trunc(seconds / 60) % 60, seconds % 60];
  const time = unit(hms[0], 'H') + unit(hms[1], 'M') + unit(hms[2], 'S');
  const text = `P${unit(Math.trunc(seconds / 86400), 'D')}${time ? `T${time}` : ''}`;
  return d.sign < 0 ? `-${text}` : text;
}

function unit(amount: number, designator: string): string {
  return amount === 0 ? '' : `${amount}${designator}`;
}

/** Java's ISO_LOCAL_TIME: seconds always, the fraction with as few digits as needed. */
function isoLocalTime(time: TimeFields): string {
  const nanos = nanoOfSecond(time);
  const fraction = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}${fraction}`;
}

/** Java's LocalTime.toString: no seconds when they are zero, the fraction in groups of three digits. */
function javaLocalTime(time: TimeFields): string {
  const nanos = nanoOfSecond(time);
  const hourMinute = `${pad(time.hour)}:${pad(time.minute)}`;
  if (time.second === 0 && nanos === 0) return hourMinute;
  if (nanos === 0) return `${hourMinute}:${pad(time.second)}`;
  const digits = nanos % 1_000_000 === 0 ? 3 : nanos % 1000 === 0 ? 6 : 9;
  return `${hourMinute}:${pad(time.second)}.${String(nanos).padStart(9, '0').slice(0, digits)}`;
}

/** Java's offset id: `Z` for a zero offset, else `+01:00`. */
function offsetId(offset: string): string {
  return /^[+-]00:00(:00)?$/.test(offset) ? 'Z' : offset;
}

function nanoOfSecond(time: TimeFields): number {
  return time.millisecond * 1_000_000 + time.microsecond * 1000 + time.nanosecond;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
