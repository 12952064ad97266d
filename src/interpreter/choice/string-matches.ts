/**
 * `StringMatches` patterns: `*` matches any run of characters (including none); `\*` is a literal
 * star and `\\` a literal backslash (written "\\*" and "\\\\" in the JSON definition). Compiled once.
 */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function compileWildcard(pattern: string): (text: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]);
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(char);
    }
  }
  const regex = new RegExp(`^${source}$`, 'u');
  return (text) => regex.test(text);
}
