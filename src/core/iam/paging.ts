/**
 * IAM list paging: `Marker` in, `IsTruncated` + `Marker` out. Markers are opaque to clients;
 * ours carry the last sort key (keyset paging, stable under inserts) or a list offset.
 */
export interface Page<T> {
  items: T[];
  /** Present when more items follow. */
  marker?: string;
}

export const encodeMarker = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
export const decodeMarker = (marker: string): string => Buffer.from(marker, 'base64url').toString('utf8');

/** Pages an in-memory list (short lists: inline policy names, attachments, tags). */
export function pageOf<T>(all: readonly T[], marker: string | undefined, maxItems: number | undefined): Page<T> {
  const start = marker === undefined ? 0 : Math.max(0, Number.parseInt(decodeMarker(marker), 10) || 0);
  const end = start + (maxItems ?? 100);
  const items = all.slice(start, end);
  return end < all.length ? { items, marker: encodeMarker(String(end)) } : { items };
}
