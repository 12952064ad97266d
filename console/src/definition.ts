/** Definition text helpers: JSON ↔ YAML, and parsing for the graph (never throws). */
import { parse as parseYaml, stringify as toYaml } from 'yaml';

export type Format = 'json' | 'yaml';

export function parseDefinitionText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch {
      return undefined;
    }
  }
}

export function formatDefinition(text: string, format: Format): string {
  const value = parseDefinitionText(text);
  if (value === undefined) return text;
  return format === 'json' ? JSON.stringify(value, null, 2) : toYaml(value, { lineWidth: 0 });
}
