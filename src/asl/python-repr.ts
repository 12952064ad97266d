/**
 * Python's `repr()` of a string: AWS's Map Label errors are Python ValueErrors rendered with it
 * (`Args=["Label contains invalid character: '\\x00'"]`), so matching them means writing it.
 */
const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function isPrintable(code: number): boolean {
  return !(code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad);
}

export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (NAMED[ch] !== undefined) out += NAMED[ch];
    else if (ch === quote) out += `\\${quote}`;
    else if (!isPrintable(code)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
