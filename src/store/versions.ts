/**
 * How versions and aliases resolve to the definition an execution runs: shared by the API
 * (StartExecution) and nested executions (states:startExecution).
 */
import type { AliasRecord, StateMachineRecord, StateMachineVersionRecord } from './types.js';

/** A state machine as a version froze it (its ARN stays the unqualified one). */
export function asOfVersion(machine: StateMachineRecord, version: StateMachineVersionRecord): StateMachineRecord {
  return {
    ...machine,
    definition: version.definition,
    roleArn: version.roleArn,
    loggingConfiguration: version.loggingConfiguration,
    tracingConfiguration: version.tracingConfiguration,
    revisionId: version.revisionId,
  };
}

/** Picks a route with probability weight/100; `random` is in [0, 1). */
export function pickByWeight(routes: AliasRecord['routingConfiguration'], random: number): string {
  let threshold = random * 100;
  for (const route of routes) {
    if (threshold < route.weight) return route.stateMachineVersionArn;
    threshold -= route.weight;
  }
  const last = routes.filter((r) => r.weight > 0).at(-1) ?? routes.at(-1);
  if (!last) throw new Error('alias without routes');
  return last.stateMachineVersionArn;
}
