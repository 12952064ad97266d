/**
 * ISO-8601 extended offset date-times as Step Functions accepts them in Wait states:
 * `2016-03-14T01:59:00Z`, fractional seconds to nanoseconds, `Z` or a numeric offset.
 */
const ISO_OFFSET_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds, or undefined when the text is not a valid timestamp (bad format or impossible date). */
export function parseTimestamp(text: string): number | undefined {
  const m = ISO_OFFSET_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  const fraction = m[7] ? Number(`0${m[7]}`) : 0;
  let offsetMinutes = 0;
  const zone = m[8] as string;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(fraction * 1000) - offsetMinutes * 60_000;
}

/** AWS's format for timestamps in the context object: ISO-8601 with milliseconds, UTC. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
