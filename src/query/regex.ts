import { RE2JS } from 're2js';

/**
 * User regular expressions (JSONPath `=~` filters, JSONata `/.../` literals) run on RE2 (the
 * `re2js` package): matching takes time linear in the input, whatever the pattern, so a pattern
 * such as `^(a|aa)+$` cannot stall the server the way a backtracking engine does. RE2 has no
 * backreferences or lookaround; a pattern that uses them is refused with a message that says so.
 */

/** A pattern RE2 cannot run (a backreference, a lookahead, ...). */
export class UnsupportedRegexError extends Error {
  constructor(source: string, reason: string) {
    super(
      `The regular expression /${source}/ is not supported (patterns run in linear time, without backreferences or lookaround): ${reason}`,
    );
    this.name = 'UnsupportedRegexError';
  }
}

function re2Flags(flags: string): number {
  let value = 0;
  if (flags.includes('i')) value |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) value |= RE2JS.MULTILINE;
  if (flags.includes('s')) value |= RE2JS.DOTALL;
  return value;
}

/** Compiles a JavaScript regular expression (its source and flags) for RE2; throws UnsupportedRegexError. */
export function compileLinearRegex(regex: RegExp): RE2JS {
  try {
    return RE2JS.compile(RE2JS.translateRegExp(regex.source), re2Flags(regex.flags));
  } catch (error) {
    throw new UnsupportedRegexError(regex.source, error instanceof Error ? error.message : String(error));
  }
}

/** One match, shaped as `RegExp.prototype.exec` returns it (what jsonata reads: [0..n], index). */
type ExecResult = (string | undefined)[] & { index: number; input: string };

/**
 * A stand-in for `RegExp` with the surface jsonata's regex evaluation uses (`new Engine(regex)`,
 * `lastIndex`, `exec`), backed by RE2. Passed to jsonata as its `RegexEngine` option.
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly pattern: RE2JS;

  constructor(regex: RegExp | string) {
    this.pattern = compileLinearRegex(typeof regex === 'string' ? new RegExp(regex) : regex);
  }

  exec(input: string): ExecResult | null {
    const matcher = this.pattern.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let group = 0; group <= matcher.groupCount(); group++) groups.push(matcher.group(group) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input });
    this.lastIndex = matcher.end();
    return result;
  }

  test(input: string): boolean {
    return this.pattern.test(input);
  }
}
