/**
 * Number and date literals of `Numeric…` and `Date…` conditions.
 *
 * IAM User Guide, "Date condition operators": values are one of the W3C profiles of
 * ISO 8601 (`2024-06-30`, `2024-06-30T00:00:00Z`, with optional fractional seconds and
 * offset) or epoch (UNIX) seconds. A date-time without an offset is read as UTC, as IAM
 * does; a bare date is its first instant.
 */

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const EPOCH = /^\d+(\.\d+)?$/;
const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses a decimal number; `undefined` when the text is not one. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/** Parses an ISO-8601 date/date-time or epoch seconds into epoch milliseconds. */
export function parseDate(text: string): number | undefined {
  const t = text.trim();
  if (EPOCH.test(t)) return Number(t) * 1000;
  const m = ISO.exec(t);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const utc = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  // Reject dates that do not exist (2024-02-31 rolls over in Date.UTC).
  if (new Date(utc).getUTCDate() !== day) return undefined;
  return utc - offsetMinutes(zone) * 60_000;
}
