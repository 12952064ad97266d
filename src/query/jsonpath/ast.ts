/** The parsed shape of a JSONPath, produced once per definition by the parser. */

export type PathRoot = { kind: 'input' } | { kind: 'context' } | { kind: 'variable'; name: string };

export type Segment =
  /** `.name` or `['name']` */
  | { kind: 'member'; name: string }
  /** `['a','b']` */
  | { kind: 'members'; names: string[] }
  /** `[0]`, `[-1]` */
  | { kind: 'index'; index: number }
  /** `[0,2]` */
  | { kind: 'indexes'; indexes: number[] }
  /** `[*]` or `.*` */
  | { kind: 'wildcard' }
  /** `[start:end:step]` */
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number }
  /** `..name`, `..*`, `..[0]`: applies `target` to the node and every descendant */
  | { kind: 'deepScan'; target: Segment }
  /** `[?(...)]` */
  | { kind: 'filter'; predicate: FilterExpr; source: string };

/** A trailing function call such as `.length()`; applies to the whole result. */
export type PathFunction = 'length';

export interface ParsedPath {
  root: PathRoot;
  segments: Segment[];
  fn: PathFunction | undefined;
}

export type FilterOperand =
  | { kind: 'literal'; value: null | boolean | number | string }
  | { kind: 'path'; relative: boolean; path: ParsedPath }
  | { kind: 'regex'; regex: RegExp };

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~';

export type FilterExpr =
  | { kind: 'and'; left: FilterExpr; right: FilterExpr }
  | { kind: 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr }
  | { kind: 'exists'; operand: FilterOperand }
  | { kind: 'compare'; op: ComparisonOperator; left: FilterOperand; right: FilterOperand };

export function isDefiniteSegment(segment: Segment): boolean {
  return segment.kind === 'member' || segment.kind === 'index';
}
