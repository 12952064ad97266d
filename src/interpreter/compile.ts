/**
 * Compile a (validated) definition into a CompiledMachine. Runs once per definition; every
 * expression is parsed here so that executing states never parses.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { compilePath, compileReferencePath } from '../query/jsonpath/index.js';
import { compilePayloadTemplate } from '../query/payload-template.js';
import { compileIntrinsic, isIntrinsicCall } from '../query/intrinsics/index.js';
import { compileJsonata, compileJsonataTemplate, isJsonataExpression } from '../query/jsonata/index.js';
import { compileChoiceRule } from './choice-rules.js';
import type {
  Catcher,
  ChoiceBranch,
  CompiledAssign,
  CompiledMachine,
  CompiledState,
  Dynamic,
  MapState,
  QueryLanguage,
  Retrier,
  StateList,
} from './compiled.js';

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

export function compileMachine(definition: Json): CompiledMachine {
  if (!isJsonObject(definition)) throw new CompileError('/', 'The definition must be a JSON object');
  const queryLanguage = definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  const lists = new Map<string, StateList>();
  const root = compileList(definition, '', queryLanguage, lists, '');
  const timeoutSeconds = typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : undefined;
  return { definition, queryLanguage, timeoutSeconds, root, lists };
}

function compileList(
  raw: JsonObject,
  address: string,
  language: QueryLanguage,
  lists: Map<string, StateList>,
  pointer: string,
): StateList {
  const states = new Map<string, CompiledState>();
  const rawStates = raw.States;
  if (!isJsonObject(rawStates)) throw new CompileError(pointer || '/', 'These fields are required: [States]');
  const list: StateList = { startAt: String(raw.StartAt), states };
  lists.set(address, list);
  for (const [name, rawState] of Object.entries(rawStates)) {
    if (!isJsonObject(rawState)) throw new CompileError(`${pointer}/States/${name}`, 'A state must be an object');
    const stateAddress = address === '' ? name : `${address}/${name}`;
    states.set(name, compileState(name, rawState, stateAddress, language, lists, `${pointer}/States/${name}`));
  }
  return list;
}

function compileState(
  name: string,
  raw: JsonObject,
  address: string,
  machineLanguage: QueryLanguage,
  lists: Map<string, StateList>,
  pointer: string,
): CompiledState {
  const language: QueryLanguage =
    raw.QueryLanguage === 'JSONata' ? 'JSONata' : raw.QueryLanguage === 'JSONPath' ? 'JSONPath' : machineLanguage;
  const c = new FieldCompiler(raw, language, pointer);
  const base = {
    name,
    address,
    queryLanguage: language,
    next: typeof raw.Next === 'string' ? raw.Next : undefined,
    end: raw.End === true,
    inputPath: c.optionalPath('InputPath'),
    outputPath: c.optionalPath('OutputPath'),
    resultPath: c.optionalReferencePath('ResultPath'),
    parameters: c.template('Parameters'),
    resultSelector: c.template('ResultSelector'),
    arguments: c.jsonataTemplate('Arguments'),
    output: c.jsonataTemplate('Output'),
    assign: c.assign(raw.Assign),
    retry: compileRetry(raw.Retry),
    catch: compileCatch(raw.Catch, language, pointer),
  };
  const type = raw.Type;
  switch (type) {
    case 'Pass':
      return { ...base, type, result: raw.Result };
    case 'Task': {
      const resource = c.string('Resource') ?? '';
      return {
        ...base,
        type,
        resource,
        timeoutSeconds: c.dynamicNumber('TimeoutSeconds'),
        heartbeatSeconds: c.dynamicNumber('HeartbeatSeconds'),
        credentials: raw.Credentials,
        waitForTaskToken: resource.endsWith('.waitForTaskToken'),
      };
    }
    case 'Choice':
      return {
        ...base,
        type,
        choices: compileChoices(raw.Choices, language, pointer),
        default: typeof raw.Default === 'string' ? raw.Default : undefined,
      };
    case 'Wait':
      return { ...base, type, seconds: c.dynamicNumber('Seconds'), timestamp: c.dynamicString('Timestamp') };
    case 'Succeed':
      return { ...base, type };
    case 'Fail':
      return { ...base, type, error: c.dynamicString('Error'), cause: c.dynamicString('Cause') };
    case 'Parallel': {
      const branches = Array.isArray(raw.Branches) ? raw.Branches : [];
      return {
        ...base,
        type,
        branches: branches.map((branch, i) => {
          if (!isJsonObject(branch)) throw new CompileError(`${pointer}/Branches/${i}`, 'A branch must be an object');
          return compileList(branch, `${address}/branch/${i}`, language, lists, `${pointer}/Branches/${i}`);
        }),
      };
    }
    case 'Map': {
      const processorRaw = isJsonObject(raw.ItemProcessor) ? raw.ItemProcessor : raw.Iterator;
      if (!isJsonObject(processorRaw)) throw new CompileError(pointer, 'These fields are required: [ItemProcessor]');
      const config = isJsonObject(processorRaw.ProcessorConfig) ? processorRaw.ProcessorConfig : {};
      const batcher = isJsonObject(raw.ItemBatcher) ? raw.ItemBatcher : undefined;
      const processorPointer = `${pointer}/${isJsonObject(raw.ItemProcessor) ? 'ItemProcessor' : 'Iterator'}`;
      return {
        ...base,
        type,
        processor: compileList(processorRaw, `${address}/processor`, language, lists, processorPointer),
        distributed: config.Mode === 'DISTRIBUTED',
        itemsPath: c.optionalPath('ItemsPath') ?? undefined,
        items: c.items(),
        itemSelector: c.assign(
          raw.ItemSelector ?? raw.Parameters,
          raw.ItemSelector === undefined ? 'Parameters' : 'ItemSelector',
        ),
        maxConcurrency: c.dynamicNumber('MaxConcurrency'),
        toleratedFailureCount: c.dynamicNumber('ToleratedFailureCount'),
        toleratedFailurePercentage: c.dynamicNumber('ToleratedFailurePercentage'),
        itemBatcher: batcher && {
          maxItemsPerBatch: new FieldCompiler(batcher, language, `${pointer}/ItemBatcher`).dynamicNumber(
            'MaxItemsPerBatch',
          ),
          batchInput: batcher.BatchInput,
        },
        label: typeof raw.Label === 'string' ? raw.Label : undefined,
      };
    }
    default:
      throw new CompileError(`${pointer}/Type`, `Unknown state type ${JSON.stringify(type)}`);
  }
}

/** Compiles the fields of one state object, each according to the state's query language. */
class FieldCompiler {
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

function compileRetry(raw: Json | undefined): Retrier[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJsonObject).map((r) => ({
    errorEquals: stringArray(r.ErrorEquals),
    intervalSeconds: typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1,
    maxAttempts: typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3,
    backoffRate: typeof r.BackoffRate === 'number' ? r.BackoffRate : 2,
    maxDelaySeconds: typeof r.MaxDelaySeconds === 'number' ? r.MaxDelaySeconds : undefined,
    jitter: r.JitterStrategy === 'FULL' ? 'FULL' : 'NONE',
  }));
}

function compileCatch(raw: Json | undefined, language: QueryLanguage, pointer: string): Catcher[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJsonObject).map((r, i) => {
    const c = new FieldCompiler(r, language, `${pointer}/Catch/${i}`);
    return {
      errorEquals: stringArray(r.ErrorEquals),
      next: String(r.Next),
      resultPath: language === 'JSONPath' ? c.optionalReferencePath('ResultPath') : undefined,
      output: c.jsonataTemplate('Output'),
      assign: c.assign(r.Assign),
    };
  });
}

function compileChoices(raw: Json | undefined, language: QueryLanguage, pointer: string): ChoiceBranch[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJsonObject).map((r, i) => {
    const c = new FieldCompiler(r, language, `${pointer}/Choices/${i}`);
    const condition = r.Condition;
    const rule: ChoiceBranch['rule'] =
      typeof condition === 'boolean'
        ? { kind: 'constant', value: condition }
        : typeof condition === 'string' && isJsonataExpression(condition)
          ? { kind: 'jsonata', condition: compileJsonata(stripJsonata(condition)) }
          : { kind: 'jsonpath', rule: compileChoiceRule(r) };
    return { rule, next: String(r.Next), assign: c.assign(r.Assign), output: c.jsonataTemplate('Output') };
  });
}

function stringArray(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
