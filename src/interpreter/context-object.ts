/** The context object ($$ in JSONPath, $states.context in JSONata). */
import type { Json, JsonObject } from '../json.js';
import { formatTimestamp } from './timestamps.js';
import type { ExecutionInfo, Frame } from './types.js';

export interface ContextExtras {
  taskToken?: string;
  mapItem?: { index: number; value: Json };
  /** Include State.RetryCount (states that can retry). */
  retryable?: boolean;
}

export function contextObject(info: ExecutionInfo, input: Json, frame: Frame, extras: ContextExtras = {}): JsonObject {
  const state: JsonObject = { Name: frame.stateName, EnteredTime: formatTimestamp(frame.enteredTime) };
  if (extras.retryable) state.RetryCount = frame.retryCount;
  const context: JsonObject = {
    Execution: {
      Id: info.executionArn,
      Input: input,
      StartTime: formatTimestamp(info.startTime),
      Name: info.executionName,
      RoleArn: info.roleArn,
      ...(info.redriveCount !== undefined ? { RedriveCount: info.redriveCount } : {}),
    },
    StateMachine: { Id: info.stateMachineArn, Name: info.stateMachineName },
    State: state,
  };
  if (extras.taskToken !== undefined) context.Task = { Token: extras.taskToken };
  if (extras.mapItem) context.Map = { Item: { Index: extras.mapItem.index, Value: extras.mapItem.value } };
  return context;
}
