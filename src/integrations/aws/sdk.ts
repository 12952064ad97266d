/**
 * AWS SDK for JavaScript v3, loaded on demand: finds `@aws-sdk/client-<service>` for a Step Functions
 * service name, builds `<Action>Command` and keeps one client per service, region and endpoint.
 *
 * The clients are schema-based (smithy), so a command carries its operation schema. Step Functions
 * parameters are PascalCase whatever the service's own casing (ECS and SFN members are camelCase
 * in the SDK), so parameters are matched to the schema's members case-insensitively, and the
 * response is given back with PascalCase member names. Map keys (DynamoDB items, tags) are data
 * and stay as they are.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json, JsonObject } from '../../json.js';
import { StatesErrors } from '../../vocabulary/states-errors.js';
import type { TaskOutcome } from '../../engine/ports.js';

type TaskFailure = Extract<TaskOutcome, { kind: 'failed' }>;

/** The parts of a v3 client the integrations use. */
export interface SdkClient {
  send(command: SdkCommand, options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
  config: { serviceId?: string };
}

export interface SdkCommand {
  schema?: unknown;
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<{ response: unknown }>,
      ) => (args: unknown) => Promise<{ response: unknown }>,
      options: { step: 'deserialize'; name?: string },
    ): void;
  };
}

type Constructor<T> = new (...args: never[]) => T;

/** A loaded client package. */
export interface SdkModule {
  packageName: string;
  exports: Record<string, unknown>;
  Client: new (config: Record<string, unknown>) => SdkClient;
  /** `NormalizedSchema` from the @smithy/core the package itself uses (undefined for older clients). */
  schema?: SchemaApi;
}

/** The slice of @smithy/core/schema's NormalizedSchema the conversions use. */
export interface Schema {
  isStructSchema(): boolean;
  isUnionSchema?(): boolean;
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isBlobSchema(): boolean;
  isTimestampSchema(): boolean;
  isDocumentSchema(): boolean;
  isStreaming(): boolean;
  getValueSchema(): Schema;
  structIterator(): Iterable<[string, Schema]>;
}

interface SchemaApi {
  of(ref: unknown): Schema;
}

export class MissingClientPackage extends Error {
  constructor(
    readonly packageName: string,
    service: string,
  ) {
    super(`The AWS SDK client for '${service}' is not installed: run npm install ${packageName}`);
    this.name = 'MissingClientPackage';
  }
}

const requireHere = createRequire(import.meta.url);

/** Step Functions service names whose client package name is not `client-<service>`. */
const PACKAGE_ALIASES: Record<string, string> = {
  events: 'eventbridge',
  states: 'sfn',
  stepfunctions: 'sfn',
  cloudwatchlogs: 'cloudwatch-logs',
  apigateway: 'api-gateway',
  secretsmanager: 'secrets-manager',
  acmpca: 'acm-pca',
};

/**
 * The package for a service name as Step Functions spells it (lower case, no dashes):
 * `@aws-sdk/client-<service>`, an alias, or an installed `client-*` package that matches once its
 * dashes are dropped (`cloudwatchlogs` → `client-cloudwatch-logs`).
 */
export function packageNameFor(service: string): string {
  const alias = PACKAGE_ALIASES[service];
  if (alias) return `@aws-sdk/client-${alias}`;
  const direct = `@aws-sdk/client-${service}`;
  if (resolves(direct)) return direct;
  for (const base of requireHere.resolve.paths(direct) ?? []) {
    let names: string[];
    try {
      names = readdirSync(join(base, '@aws-sdk'));
    } catch {
      continue;
    }
    const match = names.find(
      (name) => name.startsWith('client-') && name.slice('client-'.length).replace(/-/g, '') === service,
    );
    if (match) return `@aws-sdk/${match}`;
  }
  return direct;
}

function resolves(specifier: string): boolean {
  try {
    requireHere.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

const modules = new Map<string, Promise<SdkModule>>();

/** Loads a client package once; rejects with MissingClientPackage when it is not installed. */
export function loadSdkModule(service: string): Promise<SdkModule> {
  const packageName = packageNameFor(service);
  let loading = modules.get(packageName);
  if (!loading) {
    loading = importModule(packageName, service);
    modules.set(packageName, loading);
    loading.catch(() => modules.delete(packageName));
  }
  return loading;
}

/**
 * loadSdkModule for a Task: a client package that is not installed fails the Task
 * (States.TaskFailed, saying what to install) rather than the engine.
 */
export async function loadTaskSdkModule(service: string): Promise<SdkModule | TaskFailure> {
  try {
    return await loadSdkModule(service);
  } catch (error) {
    if (error instanceof MissingClientPackage)
      return { kind: 'failed', error: StatesErrors.TaskFailed, cause: error.message };
    throw error;
  }
}

async function importModule(packageName: string, service: string): Promise<SdkModule> {
  let entry: string;
  try {
    entry = requireHere.resolve(packageName);
  } catch {
    throw new MissingClientPackage(packageName, service);
  }
  const exports = (await import(packageName)) as Record<string, unknown>;
  const clientName = Object.keys(exports).find(
    (name) => name.endsWith('Client') && name !== '__Client' && typeof exports[name] === 'function',
  );
  if (!clientName) throw new Error(`${packageName} exports no client class`);
  let schema: SchemaApi | undefined;
  try {
    const requireThere = createRequire(join(dirname(entry), 'index.js'));
    const core = (await import(pathToFileURL(requireThere.resolve('@smithy/core/schema')).href)) as {
      NormalizedSchema?: SchemaApi;
    };
    schema = core.NormalizedSchema;
  } catch {
    schema = undefined;
  }
  return { packageName, exports, Client: exports[clientName] as SdkModule['Client'], schema };
}

/** `putItem` → the module's `PutItemCommand`, or undefined when the service has no such action. */
export function commandClass(mod: SdkModule, action: string): Constructor<SdkCommand> | undefined {
  const name = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
  const found = mod.exports[name];
  return typeof found === 'function' ? (found as Constructor<SdkCommand>) : undefined;
}

/** The input and output schemas of a command (an operation schema is `[9, ns, name, traits, input, output]`). */
export function operationSchemas(mod: SdkModule, command: SdkCommand): { input?: Schema; output?: Schema } {
  const op = command.schema;
  if (!mod.schema || !Array.isArray(op) || op[0] !== 9) return {};
  return { input: mod.schema.of(op[4]), output: mod.schema.of(op[5]) };
}

// ---- parameters in ----------------------------------------------------------------------------

/** Step Functions parameters → SDK input: member names as the schema spells them, blobs and timestamps converted. */
export function toSdkInput(value: Json, schema: Schema | undefined): unknown {
  if (!schema || value === null) return value;
  if (schema.isBlobSchema()) return toBlob(value, schema.isStreaming());
  if (schema.isTimestampSchema()) {
    if (typeof value === 'string') return new Date(value);
    if (typeof value === 'number') return new Date(value * 1000);
    return value;
  }
  if (schema.isDocumentSchema()) return value;
  if (schema.isListSchema())
    return Array.isArray(value) ? value.map((item) => toSdkInput(item, schema.getValueSchema())) : value;
  if (schema.isMapSchema()) {
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = toSdkInput(item, schema.getValueSchema());
    return out;
  }
  if (schema.isStructSchema() || schema.isUnionSchema?.()) {
    if (!isObject(value)) return value;
    const members = new Map<string, [string, Schema]>();
    for (const [name, member] of schema.structIterator()) members.set(name.toLowerCase(), [name, member]);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const member = members.get(key.toLowerCase());
      if (member) out[member[0]] = toSdkInput(item, member[1]);
      else out[key] = item;
    }
    return out;
  }
  return value;
}

function toBlob(value: Json, streaming: boolean): unknown {
  // Text as written, anything else as its JSON text (a Lambda Payload object, say).
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return streaming ? text : new TextEncoder().encode(text);
}

// ---- response out -----------------------------------------------------------------------------

export interface OutputStyle {
  /** How timestamps come back: ISO-8601 text (AWS SDK integrations) or epoch milliseconds (optimized). */
  timestamps: 'iso' | 'epochMillis';
}

/** SDK output → the task result: PascalCase member names, no $metadata, streams and blobs read as text. */
export async function fromSdkOutput(value: unknown, schema: Schema | undefined, style: OutputStyle): Promise<Json> {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return style.timestamps === 'iso' ? value.toISOString() : value.getTime();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (isReadable(value)) return value.transformToString();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object') return value as Json;
  if (Array.isArray(value)) {
    const item = schema?.isListSchema() ? schema.getValueSchema() : undefined;
    return Promise.all(value.map((v) => fromSdkOutput(v, item, style)));
  }
  const record = value as Record<string, unknown>;
  const out: JsonObject = {};
  if (schema?.isMapSchema()) {
    for (const [key, item] of Object.entries(record))
      out[key] = await fromSdkOutput(item, schema.getValueSchema(), style);
    return out;
  }
  if (schema?.isDocumentSchema()) return JSON.parse(JSON.stringify(value)) as Json;
  const members = new Map<string, Schema>();
  if (schema && (schema.isStructSchema() || schema.isUnionSchema?.()))
    for (const [name, member] of schema.structIterator()) members.set(name, member);
  for (const [key, item] of Object.entries(record)) {
    if (key === '$metadata' || item === undefined) continue;
    out[pascal(key)] = await fromSdkOutput(item, members.get(key), style);
  }
  return out;
}

export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function isReadable(value: unknown): value is { transformToString(): Promise<string> } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { transformToString?: unknown }).transformToString === 'function'
  );
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
