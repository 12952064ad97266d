/**
 * The bridge to the query layer's compilers: paths, reference paths and payload templates are
 * checked by compiling them exactly as the interpreter will, so "valid" means the same thing at
 * creation and at run time.
 */
import type { Json } from '../../json.js';
import { compileIntrinsic, IntrinsicSyntaxError, isIntrinsicCall } from '../../query/intrinsics/index.js';
import { compilePath, compileReferencePath, PathSyntaxError } from '../../query/jsonpath/index.js';
import { compilePayloadTemplate, TemplateError } from '../../query/payload-template.js';
import { schemaError } from '../diagnostics.js';
import type { RuleContext } from './context.js';

function compiles(compile: (source: string) => unknown, source: string): boolean {
  try {
    compile(source);
    return true;
  } catch (e) {
    if (e instanceof PathSyntaxError || e instanceof IntrinsicSyntaxError) return false;
    throw e;
  }
}

/** A JSONPath (or `$$` context path, or `$variable` reference) field such as InputPath. */
export function checkPath(ctx: RuleContext, value: Json | undefined, at: string, field: string): void {
  if (typeof value !== 'string') return ctx.report(schemaError(`Expected value of type [STRING]`, at));
  if (!compiles(compilePath, value)) {
    ctx.report(schemaError(`The value for the field '${field}' must be a valid JSONPath`, at));
  }
}

/** Fields that take a path or an intrinsic function call (Fail ErrorPath/CausePath). */
export function checkPathOrIntrinsic(ctx: RuleContext, value: Json | undefined, at: string, field: string): void {
  if (typeof value !== 'string' || !isIntrinsicCall(value)) return checkPath(ctx, value, at, field);
  if (!compiles(compileIntrinsic, value)) {
    ctx.report(
      schemaError(`The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`, at),
    );
  }
}

/** ResultPath: a reference path (no filters or wildcards). */
export function checkReferencePath(ctx: RuleContext, value: Json | undefined, at: string, field: string): void {
  if (typeof value !== 'string') return ctx.report(schemaError(`Expected value of type [STRING]`, at));
  if (!compiles(compileReferencePath, value)) {
    ctx.report(schemaError(`The value for the field '${field}' must be a valid Reference Path`, at));
  }
}

/**
 * A payload template (Parameters, ResultSelector, ItemSelector, JSONPath Assign): every ".$"
 * value a valid path or intrinsic call. AWS locates the problem at the template field.
 */
export function checkPayloadTemplate(ctx: RuleContext, template: Json, at: string): void {
  try {
    compilePayloadTemplate(template);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    ctx.report(schemaError(e.message, at));
  }
}
