import { assertNever } from '../../vocabulary/states-errors.js';
import type { ParsedPath, Segment } from './ast.js';

/**
 * The normalized spelling Jayway uses in its messages: `$.a.b[0]` → `$['a']['b'][0]`.
 * Context and variable paths are applied to their own document, so they render from `$` as well.
 */
export function renderNormalized(path: ParsedPath): string {
  const body = path.segments.map(renderSegment).join('');
  return `$${body}${path.fn === undefined ? '' : `.${path.fn}()`}`;
}

const quote = (name: string): string => `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function renderSegment(segment: Segment): string {
  switch (segment.kind) {
    case 'member':
      return `[${quote(segment.name)}]`;
    case 'members':
      return `[${segment.names.map(quote).join(',')}]`;
    case 'index':
      return `[${segment.index}]`;
    case 'indexes':
      return `[${segment.indexes.join(',')}]`;
    case 'wildcard':
      return '[*]';
    case 'slice': {
      const step = segment.step === 1 ? '' : `:${segment.step}`;
      return `[${segment.start ?? ''}:${segment.end ?? ''}${step}]`;
    }
    case 'deepScan':
      return `..${renderSegment(segment.target)}`;
    case 'filter':
      return '[?]';
    default:
      return assertNever(segment, 'JSONPath segment');
  }
}
