/** An ISO 8601 duration with calendar parts kept apart: a month is not a fixed number of ms. */
export interface IsoDuration {
  years: number;
  months: number;
  days: number;
  ms: number;
  negative: boolean;
}

const PATTERN =
  /^(-)?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** Parses `P3D`, `PT10M`, `P1Y2M`, `-PT5S`, `P2W`, …; undefined when it is not a duration. */
export function parseIsoDuration(text: string): IsoDuration | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const n = (i: number) => (match[i] ? Number(match[i].replace(',', '.')) : 0);
  if (match.slice(2).every((part) => part === undefined)) return undefined;
  return {
    negative: match[1] === '-',
    years: n(2),
    months: n(3),
    days: n(4) * 7 + n(5),
    ms: Math.round(n(6) * 3_600_000 + n(7) * 60_000 + n(8) * 1000),
  };
}

/** `from` plus the duration, months and years on the calendar (UTC). */
export function addDuration(from: number, duration: IsoDuration): number {
  const sign = duration.negative ? -1 : 1;
  const date = new Date(from);
  if (duration.years || duration.months) {
    date.setUTCMonth(date.getUTCMonth() + sign * (duration.years * 12 + duration.months));
  }
  return date.getTime() + sign * (duration.days * 86_400_000 + duration.ms);
}

/**
 * Parses an ISO date-time with an offset (`2025-01-01T10:00:00Z`, `…+02:00`) or a zone id in
 * brackets (`2025-01-01T10:00:00[Europe/Madrid]`, FEEL's notation); undefined otherwise.
 */
export function parseIsoDateTime(text: string): number | undefined {
  const trimmed = text.trim();
  const zoned = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:@|\[)([A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*)\]?$/.exec(trimmed);
  if (zoned) return zonedToEpoch(zoned[1], zoned[2]);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) return undefined;
  const epoch = Date.parse(trimmed);
  return Number.isNaN(epoch) ? undefined : epoch;
}

/** The instant a local date-time names in an IANA zone (the offset taken at that instant). */
function zonedToEpoch(local: string, zone: string): number | undefined {
  const asUtc = Date.parse(`${local}Z`);
  if (Number.isNaN(asUtc)) return undefined;
  let offset: number;
  try {
    offset = zoneOffset(asUtc, zone);
  } catch {
    return undefined;
  }
  // Correct once more for instants near a DST change.
  return asUtc - zoneOffset(asUtc - offset, zone);
}

function zoneOffset(epoch: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epoch));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(epoch / 1000) * 1000;
}
