/**
 * `Transform.RequestBodyEncoding: URL_ENCODED`: a JSON object as `application/x-www-form-urlencoded`,
 * arrays written as `RequestEncodingOptions.ArrayFormat` says (INDICES by default):
 *   INDICES  a[0]=x&a[1]=y     REPEAT  a=x&a=y     COMMAS  a=x,y     BRACKETS  a[]=x&a[]=y
 * Nested objects become `a[b]=x`. Keys and values are percent-encoded (brackets too, as `qs` does);
 * COMMAS joins the encoded items with a literal comma, so an item's own commas stay distinguishable.
 */
import type { Json } from '../../json.js';

export const ARRAY_FORMATS = ['INDICES', 'REPEAT', 'COMMAS', 'BRACKETS'] as const;
export type ArrayFormat = (typeof ARRAY_FORMATS)[number];

export function urlEncode(value: Json, arrayFormat: ArrayFormat = 'INDICES'): string {
  const pairs: string[] = [];
  if (typeof value !== 'object' || value === null) return encodeScalar(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => add(pairs, String(i), item, arrayFormat));
  } else {
    for (const [key, item] of Object.entries(value)) add(pairs, key, item, arrayFormat);
  }
  return pairs.join('&');
}

function add(pairs: string[], key: string, value: Json, format: ArrayFormat): void {
  if (Array.isArray(value)) {
    if (format === 'COMMAS' && value.every((v) => typeof v !== 'object' || v === null)) {
      pairs.push(`${encodeURIComponent(key)}=${value.map(encodeScalar).join(',')}`);
      return;
    }
    value.forEach((item, i) => {
      const itemKey = format === 'REPEAT' ? key : format === 'BRACKETS' ? `${key}[]` : `${key}[${i}]`;
      add(pairs, itemKey, item, format);
    });
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) add(pairs, `${key}[${k}]`, v, format);
    return;
  }
  pairs.push(`${encodeURIComponent(key)}=${encodeScalar(value)}`);
}

function encodeScalar(value: Json): string {
  if (value === null) return '';
  return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
}
