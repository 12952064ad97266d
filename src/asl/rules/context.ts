import type { JsonObject } from '../../json.js';
import type { Diagnostic } from '../diagnostics.js';
import type { QueryLanguage, StateType } from '../../vocabulary/names.js';

export interface RuleContext {
  readonly stateMachineType: 'STANDARD' | 'EXPRESS';
  /** The whole machine's QueryLanguage: what a state without its own inherits, at any depth. */
  readonly machineLanguage: QueryLanguage;
  report(diagnostic: Diagnostic): void;
}

/** One set of states: the machine's, a Parallel branch's, or a Map's ItemProcessor/Iterator. */
export interface ScopeVisit {
  /** Where the StartAt/States object lives: "/" for the machine. */
  location: string;
  startAt: string;
  states: JsonObject;
  topLevel: boolean;
}

export interface StateVisit {
  name: string;
  type: StateType;
  state: JsonObject;
  /** "/States/A", "/States/P/Branches[0]/States/B", ... */
  location: string;
  language: QueryLanguage;
}

/** A family of rules: each hook is optional and only reports, never throws. */
export interface RuleFamily {
  readonly name: string;
  scope?(ctx: RuleContext, scope: ScopeVisit): void;
  state?(ctx: RuleContext, visit: StateVisit): void;
}
