/** An execution's ARN and the facts about it the interpreter's context object reads. */
import type { ExecutionInfo } from '../interpreter/types.js';
import type { StateMachineRecord } from '../store/types.js';
import type { StartRequest } from './engine.js';

/** `arn:aws:states:<region>:<account>:execution:<stateMachine>:<name>` (Express: `express:...:<uuid>`). */
export function executionArn(
  sm: StateMachineRecord,
  name: string,
  type: 'STANDARD' | 'EXPRESS',
  uuid?: string,
): string {
  const [arnPrefix, partition, service, region, account] = sm.arn.split(':');
  const base = `${arnPrefix}:${partition}:${service}:${region}:${account}`;
  return type === 'STANDARD'
    ? `${base}:execution:${sm.name}:${name}`
    : `${base}:express:${sm.name}:${name}:${uuid ?? ''}`;
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
