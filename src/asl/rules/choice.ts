import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { child, schemaError } from '../diagnostics.js';
import { BooleanOperators, ComparisonOperators, type ComparisonOperator } from '../../vocabulary/names.js';
import type { RuleContext, RuleFamily } from './context.js';
import { checkPath } from './query-syntax.js';
import { RFC3339_MESSAGE, isRfc3339 } from './timestamps.js';
import { hasField, jsonataExpression, requiredError, typeError } from './values.js';

const OPERATORS = Object.keys(ComparisonOperators) as ComparisonOperator[];
const RULE_EXTRAS = ['Comment', 'Assign'] as const;

/** Choices: rule shapes, the 39 comparison operators and their operand types, And/Or/Not, Condition. */
export const choiceRules: RuleFamily = {
  name: 'Choice rules',
  state(ctx, { state, type, location, language }) {
    if (type !== 'Choice') return;
    if (hasField(state, 'Default') && typeof state.Default !== 'string') {
      ctx.report(typeError(['STRING'], child(location, 'Default')));
    }
    const choices = state.Choices;
    if (choices === undefined) return;
    const at = child(location, 'Choices');
    if (!Array.isArray(choices)) return ctx.report(typeError(['ARRAY'], at));
    if (choices.length === 0) return ctx.report(schemaError('Choices must not be empty', at));
    choices.forEach((rule, i) => {
      const ruleAt = child(at, i);
      if (!isJsonObject(rule)) return ctx.report(typeError(['OBJECT'], ruleAt));
      if (!hasField(rule, 'Next')) ctx.report(requiredError(['Next'], ruleAt));
      else if (typeof rule.Next !== 'string') ctx.report(typeError(['STRING'], child(ruleAt, 'Next')));
      if (language === 'JSONata') checkConditionRule(ctx, rule, ruleAt);
      else checkJsonPathRule(ctx, rule, ruleAt, true);
    });
  },
};

function checkConditionRule(ctx: RuleContext, rule: JsonObject, at: string): void {
  const allowed = ['Condition', 'Next', 'Output', ...RULE_EXTRAS];
  for (const field of Object.keys(rule)) {
    if (!allowed.includes(field)) ctx.report(schemaError(`Field '${field}' is not supported`, at));
  }
  if (!hasField(rule, 'Condition')) return ctx.report(requiredError(['Condition'], at));
  const condition = rule.Condition;
  if (typeof condition !== 'boolean' && typeof condition !== 'string') {
    ctx.report(typeError(['STRING', 'BOOLEAN'], child(at, 'Condition')));
  } else if (typeof condition === 'string' && jsonataExpression(condition) === undefined) {
    // AWS's words for this case are not documented; a string Condition has no meaning but as {% %}.
    ctx.report(
      schemaError(
        "The value for the field 'Condition' must be a boolean or a JSONata expression",
        child(at, 'Condition'),
      ),
    );
  }
}

function checkJsonPathRule(ctx: RuleContext, rule: JsonObject, at: string, topLevel: boolean): void {
  const allowed: string[] = ['Variable', ...OPERATORS, ...BooleanOperators, ...RULE_EXTRAS];
  if (topLevel) allowed.push('Next');
  for (const field of Object.keys(rule)) {
    if (!allowed.includes(field)) ctx.report(schemaError(`Field '${field}' is not supported`, at));
  }
  const operators = Object.keys(rule).filter(
    (k) => (OPERATORS as string[]).includes(k) || (BooleanOperators as readonly string[]).includes(k),
  );
  if (operators.length !== 1) {
    const message =
      operators.length === 0
        ? 'A Choice rule must have exactly one comparison operator or And/Or/Not'
        : `A Choice rule may have only one comparison operator or And/Or/Not: [${operators.join(', ')}]`;
    return ctx.report(schemaError(message, at));
  }
  const operator = operators[0];
  if (operator === 'And' || operator === 'Or') return checkNested(ctx, rule[operator], child(at, operator), true);
  if (operator === 'Not') return checkNested(ctx, rule.Not, child(at, 'Not'), false);
  if (hasField(rule, 'Variable')) checkPath(ctx, rule.Variable, child(at, 'Variable'), 'Variable');
  else ctx.report(requiredError(['Variable'], at));
  checkOperand(ctx, operator as ComparisonOperator, rule[operator], child(at, operator));
}

function checkNested(ctx: RuleContext, value: Json, at: string, list: boolean): void {
  if (!list) {
    if (!isJsonObject(value)) return ctx.report(typeError(['OBJECT'], at));
    return checkJsonPathRule(ctx, value, at, false);
  }
  if (!Array.isArray(value)) return ctx.report(typeError(['ARRAY'], at));
  if (value.length === 0) return ctx.report(schemaError('And/Or must not be empty', at));
  value.forEach((rule, i) => {
    if (!isJsonObject(rule)) return ctx.report(typeError(['OBJECT'], child(at, i)));
    checkJsonPathRule(ctx, rule, child(at, i), false);
  });
}

function checkOperand(ctx: RuleContext, operator: ComparisonOperator, value: Json, at: string): void {
  switch (ComparisonOperators[operator]) {
    case 'string':
      if (typeof value !== 'string') ctx.report(typeError(['STRING'], at));
      return;
    case 'number':
      if (typeof value !== 'number') ctx.report(typeError(['NUMBER'], at));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') ctx.report(typeError(['BOOLEAN'], at));
      return;
    case 'timestamp':
      if (typeof value !== 'string') ctx.report(typeError(['STRING'], at));
      else if (!isRfc3339(value)) ctx.report(schemaError(RFC3339_MESSAGE, at));
      return;
    case 'path':
      checkPath(ctx, value, at, operator);
      return;
  }
}
