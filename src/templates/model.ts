/**
 * A template's evaluation context: parameters (Default and overrides, checked against their
 * constraints), pseudo parameters, Mappings, Conditions, SAM Globals, and what each resource's
 * Ref and Fn::GetAtt give. Resources whose Condition is false are left out, as CloudFormation
 * leaves them out. The names of deployed resources come from their name property, else their
 * logical id, so that every ARN is known before anything is created.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { partitionOf } from '../vocabulary/arn.js';
import { IntrinsicError, Intrinsics, type IntrinsicScope } from './intrinsics.js';
import { TemplateError, type ParsedTemplate, type PathPart } from './parse.js';
import { attributeOf, defaultName, nameProperty, refOf, type Home } from './resources.js';

export interface TemplateSettings {
  /** Parameter values by name (they win over the template's Defaults). */
  parameters?: Record<string, string>;
  region?: string;
  accountId?: string;
  /** AWS::StackName (default: the template file's name without its extension). */
  stackName?: string;
}

export interface Resource {
  logicalId: string;
  type: string;
  properties: JsonObject;
  metadata: JsonObject;
}

/** A resource that is not deployed but was referenced: what its references resolved to. */
export interface Placeholder {
  logicalId: string;
  type: string;
  values: string[];
}

export const DEPLOYED_TYPES = new Set([
  'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::StateMachine',
  'AWS::StepFunctions::Activity',
]);
export const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

function describePath(path: readonly PathPart[]): string {
  return path
    .slice(2)
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

export class TemplateModel {
  readonly home: Home;
  readonly stackName: string;
  readonly resources = new Map<string, Resource>();
  readonly intrinsics: Intrinsics;
  /** Referenced resources that are not deployed, by logical id. */
  readonly placeholders = new Map<string, Placeholder>();
  /** Logical ids of the functions that run local code (their Ref and Arn are real). */
  readonly localFunctions = new Set<string>();
  private readonly parameters = new Map<string, Json>();
  private readonly conditions = new Map<string, boolean | 'evaluating'>();
  private readonly names = new Map<string, string | 'resolving'>();

  constructor(
    readonly template: ParsedTemplate,
    settings: TemplateSettings,
  ) {
    const region = settings.region ?? 'us-east-1';
    const partition = partitionOf(region);
    this.home = {
      region,
      partition,
      account: settings.accountId ?? '123456789012',
      urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    };
    this.stackName = settings.stackName ?? 'stepwise';
    this.readParameters(settings.parameters ?? {});
    const pseudo: Record<string, Json> = {
      'AWS::Region': region,
      'AWS::AccountId': this.home.account,
      'AWS::Partition': partition,
      'AWS::StackName': this.stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${this.home.account}:stack/${this.stackName}/00000000-0000-0000-0000-000000000000`,
      'AWS::URLSuffix': this.home.urlSuffix,
      'AWS::NotificationARNs': [],
    };
    const mappings = this.section('Mappings');
    const scope: IntrinsicScope = {
      pseudo,
      parameters: this.parameters,
      mappings,
      condition: (name, path) => this.condition(name, path),
      refResource: (logicalId, path) => this.refResource(logicalId, path),
      getAtt: (logicalId, attribute, path) => this.getAtt(logicalId, attribute, path),
    };
    this.intrinsics = new Intrinsics(scope);
    this.readResources();
  }

  /** A TemplateError for `path` in the template: `file:line:column: LogicalId.Property: message`. */
  error(path: readonly PathPart[], message: string): TemplateError {
    const where = this.template.where(path);
    const subject = path[0] === 'Resources' && path.length > 1 ? `${String(path[1])}` : path.join('.');
    const property = path[0] === 'Resources' ? describePath(path) : '';
    return new TemplateError(`${where}: ${subject}${property ? ` (${property})` : ''}: ${message}`);
  }

  /** Resolves a value, turning an unresolvable intrinsic into a TemplateError at its path. */
  resolve(value: Json, path: readonly PathPart[]): Json | undefined {
    try {
      const resolved = this.intrinsics.resolve(value, path);
      return typeof resolved === 'symbol' ? undefined : resolved;
    } catch (error) {
      if (error instanceof IntrinsicError) throw this.error(error.path, error.message);
      throw error;
    }
  }

  /** Resolves a resource property; undefined when it is absent (or AWS::NoValue). */
  property(resource: Resource, key: string): Json | undefined {
    const value = resource.properties[key];
    return value === undefined ? undefined : this.resolve(value, ['Resources', resource.logicalId, 'Properties', key]);
  }

  /** A resource property that must be a string (or a number or boolean, as text). */
  text(resource: Resource, key: string): string | undefined {
    const value = this.property(resource, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw this.error(['Resources', resource.logicalId, 'Properties', key], `${key} must be a string`);
  }

  /** The resource's name: its name property, else its logical id. */
  nameOf(resource: Resource): string {
    const known = this.names.get(resource.logicalId);
    if (known === 'resolving')
      throw this.error(['Resources', resource.logicalId], 'its name refers back to the resource itself');
    if (known !== undefined) return known;
    this.names.set(resource.logicalId, 'resolving');
    const key = nameProperty(resource.type);
    const name =
      (key !== undefined ? this.text(resource, key) : undefined) ?? defaultName(resource.type, resource.logicalId);
    this.names.set(resource.logicalId, name);
    return name;
  }

  private section(name: string): JsonObject {
    const value = this.template.body[name];
    if (value === undefined || value === null) return {};
    if (!isJsonObject(value)) throw this.error([name], `${name} must be an object`);
    return value;
  }

  private readParameters(overrides: Record<string, string>): void {
    const declared = this.section('Parameters');
    for (const name of Object.keys(overrides)) {
      if (!(name in declared))
        throw new TemplateError(
          `${this.template.file}: the template has no parameter ${name} (given in the overrides)`,
        );
    }
    const missing: string[] = [];
    for (const [name, declaration] of Object.entries(declared)) {
      if (!isJsonObject(declaration)) throw this.error(['Parameters', name], 'a parameter must be an object');
      const given = overrides[name];
      const fallback = declaration.Default;
      if (given === undefined && (fallback === undefined || fallback === null)) {
        missing.push(name);
        continue;
      }
      const text = given ?? (Array.isArray(fallback) ? fallback.join(',') : String(fallback));
      this.parameters.set(name, this.parameterValue(name, declaration, text));
    }
    if (missing.length > 0) {
      const list = missing.join(', ');
      throw new TemplateError(
        `${this.template.file}: no value for parameter${missing.length === 1 ? '' : 's'} ${list} (no Default): give ${missing.length === 1 ? 'it' : 'them'} with --parameter-overrides ${missing.map((m) => `${m}=...`).join(' ')}`,
      );
    }
  }

  private parameterValue(name: string, declaration: JsonObject, text: string): Json {
    const type = typeof declaration.Type === 'string' ? declaration.Type : 'String';
    const isList =
      type.startsWith('List<') || type === 'CommaDelimitedList' || /^AWS::SSM::Parameter::Value<List</.test(type);
    const values = isList ? text.split(',').map((item) => item.trim()) : [text];
    const bad = (why: string) => this.error(['Parameters', name], `parameter ${name}: ${why}`);
    for (const value of values) {
      if ((type === 'Number' || type === 'List<Number>') && (value.trim() === '' || !Number.isFinite(Number(value))))
        throw bad(`'${value}' is not a number`);
      const allowed = declaration.AllowedValues;
      if (Array.isArray(allowed) && !allowed.map(String).includes(value))
        throw bad(`'${value}' is not one of the allowed values ${allowed.map(String).join(', ')}`);
      const pattern = declaration.AllowedPattern;
      if (typeof pattern === 'string' && !new RegExp(`^(?:${pattern})$`).test(value))
        throw bad(`'${value}' does not match the allowed pattern ${pattern}`);
    }
    return isList ? values : text;
  }

  private condition(name: string, path: readonly PathPart[]): boolean {
    const known = this.conditions.get(name);
    if (known === 'evaluating') throw new IntrinsicError(`condition ${name} refers back to itself`, path);
    if (known !== undefined) return known;
    const declared = this.section('Conditions');
    const expression = declared[name];
    if (expression === undefined) throw new IntrinsicError(`the template has no condition ${name}`, path);
    this.conditions.set(name, 'evaluating');
    const holds = this.intrinsics.test(expression, ['Conditions', name]);
    this.conditions.set(name, holds);
    return holds;
  }

  private readResources(): void {
    const globals = this.section('Globals');
    const functionGlobals = isJsonObject(globals.Function ?? null) ? (globals.Function as JsonObject) : {};
    for (const [logicalId, declaration] of Object.entries(this.section('Resources'))) {
      if (!isJsonObject(declaration) || typeof declaration.Type !== 'string')
        throw this.error(['Resources', logicalId], 'a resource must be an object with a Type');
      const condition = declaration.Condition;
      if (typeof condition === 'string') {
        try {
          if (!this.condition(condition, ['Resources', logicalId, 'Condition'])) continue;
        } catch (error) {
          if (error instanceof IntrinsicError) throw this.error(error.path, error.message);
          throw error;
        }
      }
      let properties = isJsonObject(declaration.Properties ?? null) ? (declaration.Properties as JsonObject) : {};
      if (declaration.Type === 'AWS::Serverless::Function') properties = withGlobals(functionGlobals, properties);
      const metadata = isJsonObject(declaration.Metadata ?? null) ? (declaration.Metadata as JsonObject) : {};
      this.resources.set(logicalId, { logicalId, type: declaration.Type, properties, metadata });
    }
    // SAM's generated roles (`<LogicalId>Role` for a function or state machine without a Role),
    // which templates' Outputs name (`!GetAtt StockTradingStateMachineRole.Arn`).
    for (const resource of [...this.resources.values()]) {
      const sam = resource.type === 'AWS::Serverless::StateMachine' || resource.type === 'AWS::Serverless::Function';
      const roleId = `${resource.logicalId}Role`;
      if (!sam || resource.properties.Role !== undefined || this.resources.has(roleId)) continue;
      this.resources.set(roleId, {
        logicalId: roleId,
        type: 'AWS::IAM::Role',
        properties: { RoleName: roleId.slice(-64) },
        metadata: {},
      });
    }
  }

  private resource(logicalId: string, path: readonly PathPart[]): Resource | undefined {
    const resource = this.resources.get(logicalId);
    if (resource) return resource;
    const declared = this.section('Resources')[logicalId];
    if (declared !== undefined) throw new IntrinsicError(`${logicalId} is not created: its Condition is false`, path);
    return undefined;
  }

  private placeholder(resource: Resource, value: Json): Json {
    if (DEPLOYED_TYPES.has(resource.type) || this.localFunctions.has(resource.logicalId)) return value;
    const entry = this.placeholders.get(resource.logicalId) ?? {
      logicalId: resource.logicalId,
      type: resource.type,
      values: [],
    };
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (!entry.values.includes(text)) entry.values.push(text);
    this.placeholders.set(resource.logicalId, entry);
    return value;
  }

  private refResource(logicalId: string, path: readonly PathPart[]): Json | undefined {
    const resource = this.resource(logicalId, path);
    if (!resource) return undefined;
    return this.placeholder(resource, refOf(resource.type, this.home, this.nameOf(resource)));
  }

  private getAtt(logicalId: string, attribute: string, path: readonly PathPart[]): Json {
    const resource = this.resource(logicalId, path);
    if (!resource)
      throw new IntrinsicError(`Fn::GetAtt ${logicalId}.${attribute}: the template has no resource ${logicalId}`, path);
    const name = this.nameOf(resource);
    const known = attributeOf(resource.type, this.home, name, attribute);
    if (known !== undefined) return this.placeholder(resource, known);
    if (DEPLOYED_TYPES.has(resource.type) || FUNCTION_TYPES.has(resource.type))
      throw new IntrinsicError(
        `Fn::GetAtt ${logicalId}.${attribute}: ${resource.type} has no attribute ${attribute}`,
        path,
      );
    // An attribute this table does not know, of a resource that is not deployed anyway.
    return this.placeholder(resource, `${name}-${attribute}`);
  }
}

/** SAM's Globals.Function under a function's own properties (maps merged, the function's winning). */
function withGlobals(globals: JsonObject, properties: JsonObject): JsonObject {
  const merged: JsonObject = { ...globals };
  for (const [key, value] of Object.entries(properties)) {
    const global = merged[key];
    merged[key] = isJsonObject(global ?? null) && isJsonObject(value) ? mergeMaps(global as JsonObject, value) : value;
  }
  return merged;
}

function mergeMaps(base: JsonObject, over: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = merged[key];
    merged[key] =
      isJsonObject(existing ?? null) && isJsonObject(value) ? mergeMaps(existing as JsonObject, value) : value;
  }
  return merged;
}
