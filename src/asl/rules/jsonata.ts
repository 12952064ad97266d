import jsonata from 'jsonata';
import { isJsonObject, type Json } from '../../json.js';
import { child, DiagnosticCodes, error } from '../diagnostics.js';
import type { RuleContext, RuleFamily } from './context.js';
import { jsonataExpression } from './values.js';

/** Fields that hold other states: their own states are visited on their own. */
const NESTED = new Set(['Branches', 'ItemProcessor', 'Iterator']);

/** JSONata states: every "{% ... %}" must parse. */
export const jsonataRules: RuleFamily = {
  name: 'JSONata',
  state(ctx, { state, location, language }) {
    if (language !== 'JSONata') return;
    for (const [field, value] of Object.entries(state)) {
      if (!NESTED.has(field)) checkExpressions(ctx, value, child(location, field));
    }
  },
};

function checkExpressions(ctx: RuleContext, value: Json, at: string): void {
  const expression = jsonataExpression(value);
  if (expression !== undefined) {
    const problem = syntaxError(expression);
    if (problem !== undefined) ctx.report(error(DiagnosticCodes.InvalidJsonataExpression, problem, at));
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => checkExpressions(ctx, item, child(at, i)));
  else if (isJsonObject(value))
    for (const [key, item] of Object.entries(value)) checkExpressions(ctx, item, child(at, key));
}

/** The jsonata parser's message (AWS reports it without the "S0xxx" code), or undefined when it parses. */
export function syntaxError(expression: string): string | undefined {
  try {
    jsonata(expression);
    return undefined;
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') return e.message;
    return String(e);
  }
}
