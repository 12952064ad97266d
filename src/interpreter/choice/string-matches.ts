/**
 * `StringMatches` patterns: `*` matches any run of characters (including none); `\*` is a literal
 * star and `\\` a literal backslash (written "\\*" and "\\\\" in the JSON definition). Compiled once.
 *
 * Matching is the greedy two-pointer wildcard algorithm: on a mismatch it only moves the most
 * recent star one character further, so it takes at most (text length × pattern length) steps. A
 * backtracking regex (`^.*a.*a.*b$`) takes exponentially many on a long text that does not match.
 */

/** The pattern as code points, `null` for a star. */
type Token = string | null;

function tokens(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const result: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === '\\' && i + 1 < chars.length) result.push(chars[++i]);
    else if (char === '*') result.push(null);
    else result.push(char);
  }
  return result;
}

function matches(pattern: readonly Token[], text: readonly string[]): boolean {
  let p = 0;
  let t = 0;
  let star = -1; // the pattern index just after the last star seen
  let resume = 0; // the text index that star is currently made to end at
  while (t < text.length) {
    const token = pattern[p];
    if (p < pattern.length && token !== null && token === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && token === null) {
      star = ++p;
      resume = t;
    } else if (star !== -1) {
      p = star;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === null) p++;
  return p === pattern.length;
}

export function compileWildcard(pattern: string): (text: string) => boolean {
  const compiled = tokens(pattern);
  return (text) => matches(compiled, Array.from(text));
}
