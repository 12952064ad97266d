/**
 * Mutations of a well-formed JSON document, as fast-check arbitraries: one edit at one place (a
 * member removed, a value of another type, a huge string, nesting thousands of levels deep, an
 * unknown member), then sometimes an edit of the bytes (truncated, invalid UTF-8, not JSON).
 * Deep and huge values are spliced into the text, so that building them never recurses here.
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

export type ValueEdit =
  | { kind: 'remove' }
  | { kind: 'replace'; value: Json }
  | { kind: 'deep'; depth: number; open: '[' | '{' }
  | { kind: 'long'; length: number; char: string }
  | { kind: 'member'; key: string; value: Json };

export type ByteEdit =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'invalid-utf8'; at: number; bytes: readonly number[] }
  | { kind: 'garbage'; bytes: Uint8Array };

const SENTINEL = '\u0000stepwise-fuzz\u0000';
const QUOTED_SENTINEL = JSON.stringify(SENTINEL);

/** Every place in `value` an edit can land: the root, each member, each item. */
export function pathsOf(value: Json, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [key, member] of Object.entries(value)) paths.push(...pathsOf(member, [...prefix, key]));
  return paths;
}

/** Values of every JSON type, with the strings people get wrong (empty, unicode, lone surrogates). */
export const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('', ' ', '\ud800', '\u0000', 'null', '{}', '[]', '$', '$$', '{% %}', -1, 0, 1e308, 2 ** 53 + 1),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

export const valueEdit: fc.Arbitrary<ValueEdit> = fc.oneof(
  fc.constant<ValueEdit>({ kind: 'remove' }),
  anyJson.map<ValueEdit>((value) => ({ kind: 'replace', value })),
  fc
    .record({ depth: fc.integer({ min: 100, max: 30_000 }), open: fc.constantFrom<'[' | '{'>('[', '{') })
    .map<ValueEdit>(({ depth, open }) => ({ kind: 'deep', depth, open })),
  fc
    .record({ length: fc.integer({ min: 1_000, max: 400_000 }), char: fc.constantFrom('a', 'é', '\u{1F600}', '"') })
    .map<ValueEdit>(({ length, char }) => ({ kind: 'long', length, char })),
  fc
    .record({ key: fc.string({ maxLength: 12 }), value: anyJson })
    .map<ValueEdit>(({ key, value }) => ({ kind: 'member', key, value })),
);

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<ByteEdit>({ kind: 'none' }) },
  { weight: 1, arbitrary: fc.nat().map<ByteEdit>((at) => ({ kind: 'truncate', at })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        at: fc.nat(),
        bytes: fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80]),
      })
      .map<ByteEdit>(({ at, bytes }) => ({ kind: 'invalid-utf8', at, bytes })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map<ByteEdit>((bytes) => ({ kind: 'garbage', bytes })) },
);

function setAt(root: Json, path: Path, edit: ValueEdit): Json {
  const replacement = (old: Json | undefined): Json | undefined => {
    switch (edit.kind) {
      case 'remove':
        return undefined;
      case 'replace':
        return edit.value;
      case 'deep':
      case 'long':
        return SENTINEL;
      case 'member':
        return old !== null && typeof old === 'object' && !Array.isArray(old)
          ? { ...old, [edit.key]: edit.value }
          : { [edit.key]: edit.value };
    }
  };
  if (path.length === 0) return replacement(root) ?? null;
  const copy = structuredClone(root);
  let parent = copy as { [key: string | number]: Json };
  for (const step of path.slice(0, -1)) parent = parent[step] as { [key: string | number]: Json };
  const last = path[path.length - 1]!;
  const value = replacement(parent[last]);
  if (value !== undefined) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

function spliced(text: string, edit: ValueEdit): string {
  if (edit.kind === 'deep') {
    const [open, close] = edit.open === '[' ? ['[', ']'] : ['{"a":', '}'];
    return text.replace(QUOTED_SENTINEL, () => open.repeat(edit.depth) + '1' + close.repeat(edit.depth));
  }
  if (edit.kind === 'long') return text.replace(QUOTED_SENTINEL, () => JSON.stringify(edit.char.repeat(edit.length)));
  return text;
}

/** The document's text after one value edit at `path`. */
export function editedText(document: Json, path: Path, edit: ValueEdit): string {
  return spliced(JSON.stringify(setAt(document, path, edit)), edit);
}

/** The text's bytes after a byte edit. */
export function editedBytes(text: string, edit: ByteEdit): string | Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  switch (edit.kind) {
    case 'none':
      return text;
    case 'truncate':
      return bytes.subarray(0, bytes.length === 0 ? 0 : edit.at % bytes.length);
    case 'invalid-utf8': {
      const at = bytes.length === 0 ? 0 : edit.at % bytes.length;
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(edit.bytes), bytes.subarray(at)]);
    }
    case 'garbage':
      return edit.bytes;
  }
}

/** Paths of string members whose text is a JSON object or array (a definition, an input, an output). */
function embeddedDocuments(document: Json): { path: Path; inner: Json }[] {
  return pathsOf(document).flatMap((path) => {
    const value = path.reduce<Json | undefined>(
      (at, step) => (at as { [key: string | number]: Json } | undefined)?.[step],
      document,
    );
    if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return [];
    try {
      return [{ path, inner: JSON.parse(value) as Json }];
    } catch {
      return [];
    }
  });
}

function atPath(document: Json, path: Path, text: string): string {
  return JSON.stringify(setAt(document, path, { kind: 'replace', value: text }));
}

/**
 * A mutated form of `document`: one edit at one of its places, or, for a member holding JSON text
 * (a definition, an input), one edit inside that text. Its text, and a label for the report.
 */
export function mutated(document: Json): fc.Arbitrary<{ text: string; label: string }> {
  const outer = fc.record({ path: fc.constantFrom(...pathsOf(document)), edit: valueEdit }).map(({ path, edit }) => ({
    text: editedText(document, path, edit),
    label: `${edit.kind} at ${path.length === 0 ? '(root)' : path.join('.')}`,
  }));
  const embedded = embeddedDocuments(document);
  if (embedded.length === 0) return outer;
  const inner = fc
    .constantFrom(...embedded)
    .chain(({ path, inner }) =>
      fc.record({
        at: fc.constant(path),
        innerPath: fc.constantFrom(...pathsOf(inner)),
        edit: valueEdit,
        inner: fc.constant(inner),
      }),
    )
    .map(({ at, innerPath, edit, inner }) => ({
      text: atPath(document, at, editedText(inner, innerPath, edit)),
      label: `${edit.kind} at ${innerPath.length === 0 ? '(root)' : innerPath.join('.')} inside ${at.join('.')}`,
    }));
  return fc.oneof(outer, inner);
}
