/**
 * An alias's routingConfiguration: one or two distinct versions of one state machine, weights
 * 0–100 summing to 100 (AWS's rules and messages).
 */
import type { AliasRecord } from '../store/types.js';
import { requireStatesArn } from './arns.js';
import type { ApiContext } from './context.js';
import { ApiError, resourceNotFound } from './errors.js';
import { Limits, type Request } from './request.js';

export type Routing = AliasRecord['routingConfiguration'];

const invalidRouting = (message: string) =>
  new ApiError('ValidationException', message, { reason: 'INVALID_ROUTING_CONFIGURATION' });

export function readRouting(request: Request, required: boolean): Routing | undefined {
  const items = request.array('routingConfiguration', { min: 1, max: 2 });
  if (items === undefined) {
    if (required) request.notNull('routingConfiguration');
    return undefined;
  }
  return items.map((item, i) => {
    const route = request.nested(item, `routingConfiguration.${i + 1}.member`);
    return {
      stateMachineVersionArn: route.requiredString('stateMachineVersionArn', Limits.longArn),
      weight: route.integer('weight', { min: 0, max: 100 }) ?? route.notNull('weight', 0),
    };
  });
}

/** Checks the routes against each other and the store; returns the state machine they belong to. */
export async function checkRouting(ctx: ApiContext, routing: Routing): Promise<string> {
  const arns = routing.map((r) => r.stateMachineVersionArn);
  if (new Set(arns).size < arns.length) {
    throw invalidRouting(
      `Routing configuration must contain distinct state machine version ARNs. Received: [${arns.join(', ')}]`,
    );
  }
  const sum = routing.reduce((total, r) => total + r.weight, 0);
  if (sum !== 100) {
    throw invalidRouting(
      `Sum of routing configuration weights must equal 100. Received: ${JSON.stringify(routing.map((r) => r.weight))}`,
    );
  }
  const parsed = arns.map((arn) => {
    const p = requireStatesArn(arn);
    if (p.kind !== 'stateMachineVersion')
      throw invalidRouting(
        `Routing configuration must contain state machine version ARNs. Received: [${arns.join(', ')}]`,
      );
    return p;
  });
  const machines = new Set(parsed.map((p) => p.stateMachineArn));
  if (machines.size > 1) {
    throw invalidRouting(
      `Routing configuration must contain state machine version ARNs of the same state machine. Received: [${arns.join(', ')}]`,
    );
  }
  for (const arn of arns) {
    if (!(await ctx.store.getVersion(arn))) throw resourceNotFound(arn);
  }
  return parsed[0]!.stateMachineArn;
}
