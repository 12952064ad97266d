/**
 * Timestamps as Choice rules compare them: ISO-8601 offset date-times (`2016-03-14T01:59:00Z`,
 * `...T01:59:00.123456789+01:00`), compared as instants to the nanosecond.
 */
export interface Instant {
  /** Whole seconds since the epoch, UTC. */
  readonly seconds: number;
  /** 0..999_999_999 */
  readonly nanos: number;
}

const OFFSET_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant a timestamp string denotes, or undefined when it is not a valid offset date-time. */
export function parseInstant(text: string): Instant | undefined {
  const m = OFFSET_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetSeconds = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 18 || offsetMinutes > 59) return undefined;
    offsetSeconds = (m[9] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  return { seconds: utc.getTime() / 1000 - offsetSeconds, nanos: Number((m[7] ?? '').padEnd(9, '0')) };
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}
