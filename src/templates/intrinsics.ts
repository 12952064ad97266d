/**
 * CloudFormation's intrinsic functions, evaluated locally: Ref, Fn::GetAtt, Fn::Sub, Fn::Join,
 * Fn::If, Fn::Select, Fn::Split, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::FindInMap, Fn::Base64,
 * Fn::GetAZs, Fn::Length, Fn::ToJsonString and Condition. What a resource's Ref and attributes give
 * is the caller's business (`refResource`, `getAtt`); parameters, pseudo parameters, mappings and
 * conditions are the template's. A value that cannot be resolved throws an IntrinsicError naming
 * the path of the value in the template.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { PathPart } from './parse.js';

/** AWS::NoValue: the property (or list element) is left out. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
export type Resolved = Json | typeof NO_VALUE;

export class IntrinsicError extends Error {
  constructor(
    message: string,
    readonly path: readonly PathPart[],
  ) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

export interface IntrinsicScope {
  /** AWS::Region, AWS::AccountId... */
  pseudo: Record<string, Json>;
  parameters: ReadonlyMap<string, Json>;
  mappings: JsonObject;
  /** Whether the named condition holds (throws for an unknown name). */
  condition(name: string, path: readonly PathPart[]): boolean;
  /** A resource's Ref, or undefined when there is no such resource. */
  refResource(logicalId: string, path: readonly PathPart[]): Json | undefined;
  /** A resource's attribute; throws for an unknown resource or attribute. */
  getAtt(logicalId: string, attribute: string, path: readonly PathPart[]): Json;
}

const FN_KEYS = new Set([
  'Ref',
  'Condition',
  'Fn::And',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::Equals',
  'Fn::FindInMap',
  'Fn::GetAZs',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Length',
  'Fn::Not',
  'Fn::Or',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::ToJsonString',
  'Fn::Transform',
]);

function show(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An object that is one intrinsic call: its function name, else undefined. */
export function intrinsicName(value: Json): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && FN_KEYS.has(keys[0]!) ? keys[0] : undefined;
}

export class Intrinsics {
  constructor(private readonly scope: IntrinsicScope) {}

  /** Resolves every intrinsic in `value`; AWS::NoValue drops the property or element holding it. */
  resolve(value: Json, path: readonly PathPart[]): Resolved {
    if (Array.isArray(value)) {
      const out: Json[] = [];
      value.forEach((item, index) => {
        const resolved = this.resolve(item, [...path, index]);
        if (resolved !== NO_VALUE) out.push(resolved);
      });
      return out;
    }
    if (!isJsonObject(value)) return value;
    const name = intrinsicName(value);
    if (name !== undefined) return this.call(name, value[name]!, [...path, name]);
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.resolve(item, [...path, key]);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  /** Resolves `value` and requires a value (not AWS::NoValue). */
  value(value: Json, path: readonly PathPart[]): Json {
    const resolved = this.resolve(value, path);
    if (resolved === NO_VALUE) throw new IntrinsicError('AWS::NoValue is not allowed here', path);
    return resolved;
  }

  /** Evaluates a condition expression (Fn::Equals, Fn::And, Condition...). */
  test(value: Json, path: readonly PathPart[]): boolean {
    const resolved = this.value(value, path);
    if (typeof resolved === 'boolean') return resolved;
    if (resolved === 'true' || resolved === 'false') return resolved === 'true';
    throw new IntrinsicError(`a condition must be true or false, not ${show(resolved)}`, path);
  }

  private text(value: Json, path: readonly PathPart[], what: string): string {
    const resolved = this.value(value, path);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new IntrinsicError(`${what} must be a string, not ${show(resolved)}`, path);
  }

  private list(value: Json, path: readonly PathPart[], what: string): Json[] {
    const resolved = this.value(value, path);
    if (!Array.isArray(resolved)) throw new IntrinsicError(`${what} must be a list, not ${show(resolved)}`, path);
    return resolved;
  }

  private args(value: Json, path: readonly PathPart[], name: string, counts: readonly number[]): Json[] {
    if (!Array.isArray(value) || !counts.includes(value.length)) {
      const count = counts.join(' or ');
      throw new IntrinsicError(`${name} takes a list of ${count} arguments, not ${show(value)}`, path);
    }
    return value;
  }

  private call(name: string, arg: Json, path: readonly PathPart[]): Resolved {
    switch (name) {
      case 'Ref':
        return this.ref(this.text(arg, path, 'Ref'), path);
      case 'Condition':
        return this.scope.condition(this.text(arg, path, 'Condition'), path);
      case 'Fn::GetAtt':
        return this.getAtt(arg, path);
      case 'Fn::Sub':
        return this.sub(arg, path);
      case 'Fn::Join': {
        const [delimiter, items] = this.args(arg, path, name, [2]);
        const separator = this.text(delimiter!, [...path, 0], 'the delimiter of Fn::Join');
        const list = this.list(items!, [...path, 1], 'the values of Fn::Join');
        return list.map((item, index) => this.text(item, [...path, 1, index], 'a value of Fn::Join')).join(separator);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.args(arg, path, name, [3]);
        const holds = this.scope.condition(this.text(condition!, [...path, 0], 'the condition of Fn::If'), path);
        return holds ? this.resolve(whenTrue!, [...path, 1]) : this.resolve(whenFalse!, [...path, 2]);
      }
      case 'Fn::Select': {
        const [index, items] = this.args(arg, path, name, [2]);
        const at = Number(this.text(index!, [...path, 0], 'the index of Fn::Select'));
        const list = this.list(items!, [...path, 1], 'the list of Fn::Select');
        if (!Number.isInteger(at) || at < 0 || at >= list.length)
          throw new IntrinsicError(`Fn::Select index ${at} is outside the list of ${list.length}`, path);
        return list[at]!;
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.args(arg, path, name, [2]);
        const separator = this.text(delimiter!, [...path, 0], 'the delimiter of Fn::Split');
        return this.text(source!, [...path, 1], 'the string of Fn::Split').split(separator);
      }
      case 'Fn::Equals': {
        const [left, right] = this.args(arg, path, name, [2]).map((item, index) => this.value(item, [...path, index]));
        return comparable(left!) === comparable(right!);
      }
      case 'Fn::Not': {
        const [operand] = this.args(arg, path, name, [1]);
        return !this.test(operand!, [...path, 0]);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10)
          throw new IntrinsicError(`${name} takes a list of 2 to 10 conditions`, path);
        const results = arg.map((item, index) => this.test(item, [...path, index]));
        return name === 'Fn::And' ? results.every(Boolean) : results.some(Boolean);
      }
      case 'Fn::FindInMap':
        return this.findInMap(arg, path);
      case 'Fn::Base64':
        return Buffer.from(this.text(arg, path, 'the value of Fn::Base64'), 'utf8').toString('base64');
      case 'Fn::GetAZs': {
        const given = this.text(arg, path, 'the region of Fn::GetAZs');
        const region = given === '' ? String(this.scope.pseudo['AWS::Region']) : given;
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      case 'Fn::Length':
        return this.list(arg, path, 'the value of Fn::Length').length;
      case 'Fn::ToJsonString':
        return JSON.stringify(this.value(arg, path));
      case 'Fn::ImportValue':
        throw new IntrinsicError(
          `Fn::ImportValue ${show(this.value(arg, path))} reads another stack's export, which is not deployed here`,
          path,
        );
      default:
        throw new IntrinsicError(`${name} is not supported by stepwise deploy`, path);
    }
  }

  private ref(name: string, path: readonly PathPart[]): Resolved {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in this.scope.pseudo) return this.scope.pseudo[name]!;
    const parameter = this.scope.parameters.get(name);
    if (parameter !== undefined) return parameter;
    const resource = this.scope.refResource(name, path);
    if (resource !== undefined) return resource;
    throw new IntrinsicError(`Ref ${name}: the template has no parameter or resource ${name}`, path);
  }

  private getAtt(arg: Json, path: readonly PathPart[]): Json {
    let parts: Json[];
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      parts = dot < 0 ? [arg] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else parts = this.args(arg, path, 'Fn::GetAtt', [2]);
    if (parts.length !== 2) throw new IntrinsicError(`Fn::GetAtt needs a resource and an attribute`, path);
    const logicalId = this.text(parts[0]!, [...path, 0], 'the resource of Fn::GetAtt');
    const attribute = this.text(parts[1]!, [...path, 1], 'the attribute of Fn::GetAtt');
    return this.scope.getAtt(logicalId, attribute, path);
  }

  private sub(arg: Json, path: readonly PathPart[]): string {
    let template: string;
    const variables = new Map<string, Json>();
    if (typeof arg === 'string') template = arg;
    else {
      const [text, given] = this.args(arg, path, 'Fn::Sub', [1, 2]);
      if (typeof text !== 'string') throw new IntrinsicError('the first argument of Fn::Sub must be a string', path);
      template = text;
      if (given !== undefined) {
        if (!isJsonObject(given)) throw new IntrinsicError('the variables of Fn::Sub must be an object', path);
        for (const [key, item] of Object.entries(given)) variables.set(key, item);
      }
    }
    return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      const variable = variables.get(name);
      if (variable !== undefined) return this.text(variable, [...path, 1, name], `the variable ${name} of Fn::Sub`);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) {
        const value = this.scope.getAtt(name.slice(0, dot), name.slice(dot + 1), path);
        return scalarText(value, whole, path);
      }
      return scalarText(this.ref(name, path), whole, path);
    });
  }

  private findInMap(arg: Json, path: readonly PathPart[]): Json {
    if (!Array.isArray(arg) || arg.length < 3 || arg.length > 4)
      throw new IntrinsicError('Fn::FindInMap takes a map name, a top-level key and a second-level key', path);
    const [mapName, topKey, secondKey] = [0, 1, 2].map((index) =>
      this.text(arg[index]!, [...path, index], 'a key of Fn::FindInMap'),
    );
    const fallback = arg[3];
    const map = this.scope.mappings[mapName!];
    const top = isJsonObject(map ?? null) ? (map as JsonObject)[topKey!] : undefined;
    const found = isJsonObject(top ?? null) ? (top as JsonObject)[secondKey!] : undefined;
    if (found !== undefined) return found;
    if (isJsonObject(fallback ?? null) && 'DefaultValue' in (fallback as JsonObject))
      return this.value((fallback as JsonObject).DefaultValue!, [...path, 3, 'DefaultValue']);
    if (map === undefined) throw new IntrinsicError(`Fn::FindInMap: the template has no mapping ${mapName}`, path);
    throw new IntrinsicError(`Fn::FindInMap: mapping ${mapName} has no ${topKey}.${secondKey}`, path);
  }
}

function comparable(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function scalarText(value: Resolved, whole: string, path: readonly PathPart[]): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  throw new IntrinsicError(`Fn::Sub cannot put ${value === NO_VALUE ? 'AWS::NoValue' : show(value)} in ${whole}`, path);
}
