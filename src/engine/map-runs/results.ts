/** A finished child as a ChildResult: from its execution record (STANDARD) or its sync result (EXPRESS). */
import type { ExecutionStatus } from '../../vocabulary/names.js';
import type { ChildResult } from './ports.js';

interface Ended {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  status: ExecutionStatus;
  input: string;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
  startDate: number;
  stopDate?: number | undefined;
}

export function childResult(ended: Ended): ChildResult {
  return {
    executionArn: ended.executionArn,
    name: ended.name,
    stateMachineArn: ended.stateMachineArn,
    status: ended.status === 'RUNNING' ? 'PENDING' : ended.status,
    input: ended.input,
    ...(ended.output !== undefined ? { output: ended.output } : {}),
    ...(ended.error !== undefined ? { error: ended.error } : {}),
    ...(ended.cause !== undefined ? { cause: ended.cause } : {}),
    startDate: ended.startDate,
    ...(ended.stopDate !== undefined ? { stopDate: ended.stopDate } : {}),
  };
}
