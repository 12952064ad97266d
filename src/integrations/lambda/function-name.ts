/**
 * Lambda's FunctionName forms (API_Invoke): a name (`my-function`, `my-function:v1`), a partial ARN
 * (`123456789012:function:my-function[:qualifier]`) or a full ARN
 * (`arn:aws:lambda:us-east-1:123456789012:function:my-function[:qualifier]`).
 */

export interface FunctionTarget {
  name: string;
  qualifier?: string;
  partition: string;
  region: string;
  account: string;
}

/** Lambda's function names: letters, digits, hyphens and underscores, 1 to 64 characters. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Versions (`$LATEST`, `1`) and aliases (`prod-v1`). */
const QUALIFIER = /^(\$LATEST|[A-Za-z0-9_-]{1,128})$/;

/** A rejected name fails as Lambda's API would reject it: ValidationException or InvalidParameterValueException. */
function invalidName(text: string): string {
  return `1 validation error detected: Value '${text}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`;
}

export type ParsedName =
  | { ok: true; target: FunctionTarget }
  | { ok: false; errorCode: 'ValidationException' | 'InvalidParameterValueException'; message: string };

export function parseFunctionName(
  text: string,
  defaults: { partition: string; region: string; account: string },
  qualifier?: string,
): ParsedName {
  const parts = text.split(':');
  let target: FunctionTarget;
  if (
    parts[0] === 'arn' &&
    parts.length >= 7 &&
    parts.length <= 8 &&
    parts[2] === 'lambda' &&
    parts[5] === 'function'
  ) {
    target = {
      partition: parts[1]!,
      region: parts[3]!,
      account: parts[4]!,
      name: parts[6]!,
      ...(parts[7] !== undefined ? { qualifier: parts[7] } : {}),
    };
  } else if (parts.length >= 3 && parts.length <= 4 && parts[1] === 'function') {
    target = {
      ...defaults,
      account: parts[0]!,
      name: parts[2]!,
      ...(parts[3] !== undefined ? { qualifier: parts[3] } : {}),
    };
  } else if (parts.length <= 2) {
    target = { ...defaults, name: parts[0]!, ...(parts[1] !== undefined ? { qualifier: parts[1] } : {}) };
  } else {
    return { ok: false, errorCode: 'ValidationException', message: invalidName(text) };
  }
  if (!NAME.test(target.name) || (target.qualifier !== undefined && !QUALIFIER.test(target.qualifier))) {
    return { ok: false, errorCode: 'ValidationException', message: invalidName(text) };
  }
  if (qualifier !== undefined) {
    if (target.qualifier !== undefined && target.qualifier !== qualifier) {
      return {
        ok: false,
        errorCode: 'InvalidParameterValueException',
        message: 'The derived qualifier from the function name does not match the specified qualifier.',
      };
    }
    if (!QUALIFIER.test(qualifier)) {
      return {
        ok: false,
        errorCode: 'ValidationException',
        message: `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`,
      };
    }
    target.qualifier = qualifier;
  }
  return { ok: true, target };
}

/** The function's ARN, with its qualifier when it was invoked with one (Lambda's invokedFunctionArn). */
export function functionArn(target: FunctionTarget, withQualifier = true): string {
  const base = `arn:${target.partition}:lambda:${target.region}:${target.account}:function:${target.name}`;
  return withQualifier && target.qualifier !== undefined ? `${base}:${target.qualifier}` : base;
}
