/** An execution's ARN and the facts about it the interpreter's context object reads. */
import type { ExecutionInfo } from '../interpreter/types.js';
import type { StateMachineRecord } from '../store/types.js';
import { formatExecutionArn, formatExpressArn, homeOf } from '../vocabulary/arn.js';
import type { StartRequest } from './engine.js';

/** A Standard execution's ARN, or an Express one's (which ends in a fresh `uuid`), beside `sm`. */
export function executionArn(
  sm: StateMachineRecord,
  name: string,
  type: 'STANDARD' | 'EXPRESS',
  uuid?: string,
): string {
  const home = homeOf(sm.arn);
  return type === 'STANDARD'
    ? formatExecutionArn(home, sm.name, name)
    : formatExpressArn(home, sm.name, name, uuid ?? '');
}

export function executionInfo(
  sm: StateMachineRecord,
  request: StartRequest,
  arn: string,
  startDate: number,
  redriveCount: number | undefined,
): ExecutionInfo {
  return {
    executionArn: arn,
    executionName: request.name,
    stateMachineArn: request.stateMachineVersionArn ?? sm.arn,
    stateMachineName: sm.name,
    roleArn: sm.roleArn,
    startTime: startDate,
    ...(redriveCount !== undefined ? { redriveCount } : {}),
    stateMachineType: sm.type,
  };
}
