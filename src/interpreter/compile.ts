/**
 * Compile a (validated) definition into a CompiledMachine. Runs once per definition; every
 * expression is parsed here so that executing states never parses. What a state type adds to the
 * fields every state shares is compiled by that type (states/<type>.ts).
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { CompileError, FieldCompiler } from './compile-fields.js';
import type { CompiledMachine, CompiledState, QueryLanguage, StateBase, StateList } from './compiled.js';
import { compileCatch } from './errors/catch.js';
import { compileRetry } from './errors/retry.js';
import { compileStateOfType, isStateType } from './states/index.js';

export { CompileError, stripJsonata } from './compile-fields.js';

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
  const base: StateBase = {
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
  if (!isStateType(type)) throw new CompileError(`${pointer}/Type`, `Unknown state type ${JSON.stringify(type)}`);
  return compileStateOfType(type, base, {
    raw,
    fields: c,
    language,
    address,
    pointer,
    list: (inner, innerAddress, innerPointer) => compileList(inner, innerAddress, language, lists, innerPointer),
  });
}
