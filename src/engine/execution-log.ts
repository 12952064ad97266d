/**
 * One info line when an execution starts and one when it ends (name, state machine, type, status,
 * duration), for Standard executions (from the commit that starts or ends them) and Express ones.
 */
import type { Logger } from 'pino';

export interface LoggedExecution {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  type: 'STANDARD' | 'EXPRESS';
}

/** The state machine's name: the ARN's part after `stateMachine:` (without a version or alias). */
function machineName(stateMachineArn: string): string {
  return stateMachineArn.split(':')[6] ?? stateMachineArn;
}

export function logExecutionStarted(log: Logger | undefined, e: LoggedExecution): void {
  log?.info(
    { executionArn: e.executionArn, name: e.name, stateMachine: machineName(e.stateMachineArn), type: e.type },
    'execution started',
  );
}

export function logExecutionEnded(
  log: Logger | undefined,
  e: LoggedExecution & { status: string; startDate: number; stopDate: number; error?: string },
): void {
  log?.info(
    {
      executionArn: e.executionArn,
      name: e.name,
      stateMachine: machineName(e.stateMachineArn),
      type: e.type,
      status: e.status,
      durationMs: Math.max(0, e.stopDate - e.startDate),
      ...(e.error !== undefined ? { error: e.error } : {}),
    },
    'execution ended',
  );
}
