/**
 * Opaque page tokens shared by every adapter: base64url of `{ k: list, v: lastSortKey }`. Lists use
 * keyset pagination (the next page starts strictly after the last key returned), so rows inserted
 * while a client pages never make it see a row twice or skip one that existed when it started.
 */
import type { Page } from './types.js';

export type SortKey = (string | number)[];

export class InvalidPageTokenError extends Error {
  constructor(token: string) {
    super(`Invalid pagination token: ${token}`);
    this.name = 'InvalidPageTokenError';
  }
}

export function encodePageToken(list: string, key: SortKey): string {
  return Buffer.from(JSON.stringify({ k: list, v: key }), 'utf8').toString('base64url');
}

export type KeyShape = readonly ('number' | 'string')[];

/** Decodes a token made by `encodePageToken` for `list`; its key must have the given shape. */
export function decodePageToken<K extends SortKey>(list: string, token: string, shape: KeyShape): K {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageTokenError(token);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidPageTokenError(token);
  const { k, v } = parsed as { k?: unknown; v?: unknown };
  const ok =
    k === list &&
    Array.isArray(v) &&
    v.length === shape.length &&
    v.every((part, i) => typeof part === shape[i] && (typeof part !== 'number' || Number.isFinite(part)));
  if (!ok) throw new InvalidPageTokenError(token);
  return v as K;
}

/** Page limits are positive integers; the API layer applies AWS's defaults and caps. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

/** Makes a page from up to `limit + 1` sorted items: the extra one only says that more follow. */
export function pageFrom<T>(items: T[], limit: number, list: string, keyOf: (item: T) => SortKey): Page<T> {
  if (items.length <= limit) return { items };
  const pageItems = items.slice(0, limit);
  return { items: pageItems, next: encodePageToken(list, keyOf(pageItems[pageItems.length - 1])) };
}
