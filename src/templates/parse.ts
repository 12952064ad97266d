/**
 * Reading a CloudFormation / SAM template: JSON (as `cdk synth` writes it) or YAML with the
 * short-form intrinsics (`!Sub`, `!Ref`, `!GetAtt`...), which become their long forms
 * (`{"Fn::Sub": ...}`) through the yaml package's custom tags. Where a value sits in the text
 * (line and column) is kept so that an error can point at it.
 */
import { LineCounter, Pair, Scalar, YAMLMap, isNode, parseDocument, type Document, type Tags } from 'yaml';
import { findJsonSyntaxError } from '../asl/json-syntax.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';

/** A template that cannot be used: one plain message, with the file (and where known line and column). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** The short forms CloudFormation's YAML accepts, each for `Fn::<Name>` except `!Ref` and `!Condition`. */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'GetAtt',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
] as const;

function longForm(value: unknown, key: string): YAMLMap {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(key), value));
  return map;
}

/** `!GetAtt Resource.Attribute` is `["Resource", "Attribute"]` (the attribute may hold dots). */
function getAttScalar(text: string): Json {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

function cloudFormationTags(): Tags {
  const tags: Tags = [];
  const names: Array<[string, string]> = [
    ['Ref', 'Ref'],
    ['Condition', 'Condition'],
    ...FUNCTIONS.map((name): [string, string] => [name, `Fn::${name}`]),
  ];
  for (const [short, key] of names) {
    const tag = `!${short}`;
    tags.push(
      {
        tag,
        // A plain object: a node returned for a scalar would stay a node in toJS's output.
        resolve: (text: string) => ({ [key]: short === 'GetAtt' ? getAttScalar(text) : text }),
      },
      { tag, collection: 'seq', resolve: (node) => longForm(node, key) },
      { tag, collection: 'map', resolve: (node) => longForm(node, key) },
    );
  }
  return tags;
}

const TAGS = cloudFormationTags();

export type PathPart = string | number;

/** A parsed template and a way back from a value's path to its place in the file. */
export interface ParsedTemplate {
  file: string;
  body: JsonObject;
  /** `file:line:column` of the value at `path`, or just `file` when it cannot be told. */
  where(path: readonly PathPart[]): string;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

function parseYaml(text: string, file: string): { value: unknown; document: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const document = parseDocument(text, { customTags: TAGS, lineCounter: lines, prettyErrors: false });
  const [problem] = document.errors;
  if (problem !== undefined) {
    const { line, col } = lines.linePos(problem.pos[0]);
    throw new TemplateError(`${file}:${line}:${col}: not valid YAML: ${problem.message.split('\n')[0]}`);
  }
  const unknownTag = document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag !== undefined) {
    const { line, col } = lines.linePos(unknownTag.pos[0]);
    throw new TemplateError(`${file}:${line}:${col}: ${unknownTag.message.split('\n')[0]}`);
  }
  try {
    return { value: document.toJS({ maxAliasCount: 1000 }), document, lines };
  } catch (error) {
    throw new TemplateError(`${file}: not valid YAML: ${errorMessage(error)}`);
  }
}

/** Parses template text: JSON when it starts with `{`, else YAML. */
export function parseTemplate(text: string, file: string): ParsedTemplate {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  let located: { document: Document; lines: LineCounter } | undefined;
  if (source.trimStart().startsWith('{')) {
    try {
      value = JSON.parse(source);
    } catch (error) {
      // Node 20's JSON.parse only says that the text is invalid: the project's scanner says where.
      const found = findJsonSyntaxError(source);
      const where = found ? `:${lineColumn(source, found.offset)}` : '';
      const reason = found ? found.message : oneLine(errorMessage(error));
      throw new TemplateError(`${file}${where}: not valid JSON: ${reason}`);
    }
  } else {
    const parsed = parseYaml(source, file);
    value = parsed.value;
    located = parsed;
  }
  if (!isJsonObject(value as Json))
    throw new TemplateError(`${file}: a template must be a JSON or YAML object with a Resources section`);
  const body = value as JsonObject;
  if (!isJsonObject(body.Resources ?? null))
    throw new TemplateError(`${file}: the template has no Resources section (an object of resources)`);
  return {
    file,
    body,
    where(path) {
      // JSON is YAML too: its document is only built when a position is wanted.
      located ??= parseYaml(source, file);
      // The value itself, else the nearest value around it (a short form's scalar has no inner nodes).
      for (let length = path.length; length > 0; length--) {
        const node: unknown = located.document.getIn(path.slice(0, length), true);
        if (!isNode(node) || !node.range) continue;
        const { line, col } = located.lines.linePos(node.range[0]);
        return `${file}:${line}:${col}`;
      }
      return file;
    },
  };
}
