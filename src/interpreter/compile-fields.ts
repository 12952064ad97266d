/** Compiling the fields of a state object, each according to the state's query language. */
import type { Json, JsonObject } from '../json.js';
import { compilePath, compileReferencePath } from '../query/jsonpath/index.js';
import { compilePayloadTemplate } from '../query/payload-template.js';
import { compileIntrinsic, isIntrinsicCall } from '../query/intrinsics/index.js';
import { compileJsonata, compileJsonataTemplate, isJsonataExpression } from '../query/jsonata/index.js';
import type { CompiledAssign, Dynamic, MapState, QueryLanguage } from './compiled.js';

/** Thrown when a definition cannot be compiled; the validator reports the same problems as diagnostics. */
export class CompileError extends Error {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(`${message} at ${location}`);
    this.name = 'CompileError';
  }
}

/** Compiles the fields of one state object, each according to the state's query language. */
export class FieldCompiler {
  constructor(
    private readonly raw: JsonObject,
    private readonly language: QueryLanguage,
    private readonly pointer: string,
  ) {}

  string(field: string): string | undefined {
    const value = this.raw[field];
    return typeof value === 'string' ? value : undefined;
  }

  optionalPath(field: string) {
    if (!(field in this.raw)) return undefined;
    const value = this.raw[field];
    if (value === null) return null;
    return this.wrap(field, () => compilePath(String(value)));
  }

  optionalReferencePath(field: string) {
    if (!(field in this.raw)) return undefined;
    const value = this.raw[field];
    if (value === null) return null;
    return this.wrap(field, () => compileReferencePath(String(value)));
  }

  template(field: string) {
    if (this.language !== 'JSONPath' || !(field in this.raw)) return undefined;
    const value = this.raw[field];
    return this.wrap(field, () => compilePayloadTemplate(value));
  }

  jsonataTemplate(field: string) {
    if (this.language !== 'JSONata' || !(field in this.raw)) return undefined;
    const value = this.raw[field];
    return this.wrap(field, () => compileJsonataTemplate(value));
  }

  assign(value: Json | undefined, field = 'Assign'): CompiledAssign | undefined {
    if (value === undefined) return undefined;
    return this.wrap(field, () =>
      this.language === 'JSONata'
        ? { kind: 'jsonata' as const, template: compileJsonataTemplate(value) }
        : { kind: 'jsonpath' as const, template: compilePayloadTemplate(value) },
    );
  }

  items(): MapState['items'] {
    if (this.language !== 'JSONata' || !('Items' in this.raw)) return undefined;
    const value = this.raw.Items;
    const source = isJsonataExpression(value) ? stripJsonata(value).trim() : JSON.stringify(value);
    return { template: this.wrap('Items', () => compileJsonataTemplate(value)), source };
  }

  /** `Field` (a number or a JSONata expression) or `FieldPath` (a JSONPath). */
  dynamicNumber(field: string): Dynamic<number> | undefined {
    return this.dynamic(field, (v): v is number => typeof v === 'number');
  }

  dynamicString(field: string): Dynamic<string> | undefined {
    return this.dynamic(field, (v): v is string => typeof v === 'string');
  }

  private dynamic<T extends Json>(field: string, isLiteral: (v: Json) => v is T): Dynamic<T> | undefined {
    const pathField = `${field}Path`;
    const value = this.raw[field];
    if (value !== undefined) {
      if (isJsonataExpression(value)) {
        return { kind: 'jsonata', expr: this.wrap(field, () => compileJsonata(stripJsonata(value))), field };
      }
      if (isLiteral(value)) return { kind: 'literal', value };
      throw new CompileError(`${this.pointer}/${field}`, `Unexpected value for ${field}`);
    }
    const path = this.raw[pathField];
    if (typeof path === 'string') {
      const compiled = this.wrap(pathField, () => (isIntrinsicCall(path) ? compileIntrinsic(path) : compilePath(path)));
      return { kind: 'path', path: compiled, field: pathField };
    }
    return undefined;
  }

  private wrap<T>(field: string, compile: () => T): T {
    try {
      return compile();
    } catch (e) {
      if (e instanceof CompileError) throw e;
      throw new CompileError(`${this.pointer}/${field}`, e instanceof Error ? e.message : String(e));
    }
  }
}

export function stripJsonata(text: string): string {
  return text.slice(2, -2);
}
