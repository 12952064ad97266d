/** Every operation, by the action name in `X-Amz-Target: AWSStepFunctions.<Action>`. */
import type { Operation } from '../context.js';
import { createActivity } from './create-activity.js';
import { deleteActivity } from './delete-activity.js';
import { describeActivity } from './describe-activity.js';
import { getActivityTask } from './get-activity-task.js';
import { listActivities } from './list-activities.js';
import { sendTaskFailure } from './send-task-failure.js';
import { sendTaskHeartbeat } from './send-task-heartbeat.js';
import { sendTaskSuccess } from './send-task-success.js';
import { createStateMachine } from './create-state-machine.js';
import { createStateMachineAlias } from './create-state-machine-alias.js';
import { deleteStateMachine } from './delete-state-machine.js';
import { deleteStateMachineAlias } from './delete-state-machine-alias.js';
import { deleteStateMachineVersion } from './delete-state-machine-version.js';
import { describeExecution } from './describe-execution.js';
import { describeStateMachine } from './describe-state-machine.js';
import { describeStateMachineAlias } from './describe-state-machine-alias.js';
import { describeStateMachineForExecution } from './describe-state-machine-for-execution.js';
import { getExecutionHistory } from './get-execution-history.js';
import { listExecutions } from './list-executions.js';
import { describeMapRun, listMapRuns, updateMapRun } from './map-runs.js';
import { listStateMachineAliases } from './list-state-machine-aliases.js';
import { listStateMachineVersions } from './list-state-machine-versions.js';
import { listStateMachines } from './list-state-machines.js';
import { listTagsForResource } from './list-tags-for-resource.js';
import { publishStateMachineVersion } from './publish-state-machine-version.js';
import { redriveExecution } from './redrive-execution.js';
import { startExecution } from './start-execution.js';
import { startSyncExecution } from './start-sync-execution.js';
import { stopExecution } from './stop-execution.js';
import { tagResource } from './tag-resource.js';
import { testStateOperation } from './test-state.js';
import { untagResource } from './untag-resource.js';
import { updateStateMachine } from './update-state-machine.js';
import { updateStateMachineAlias } from './update-state-machine-alias.js';
import { validateStateMachineDefinition } from './validate-state-machine-definition.js';

export const operations = {
  CreateActivity: createActivity,
  DeleteActivity: deleteActivity,
  DescribeActivity: describeActivity,
  GetActivityTask: getActivityTask,
  ListActivities: listActivities,
  SendTaskFailure: sendTaskFailure,
  SendTaskHeartbeat: sendTaskHeartbeat,
  SendTaskSuccess: sendTaskSuccess,
  CreateStateMachine: createStateMachine,
  CreateStateMachineAlias: createStateMachineAlias,
  DeleteStateMachine: deleteStateMachine,
  DeleteStateMachineAlias: deleteStateMachineAlias,
  DeleteStateMachineVersion: deleteStateMachineVersion,
  DescribeExecution: describeExecution,
  DescribeMapRun: describeMapRun,
  DescribeStateMachine: describeStateMachine,
  DescribeStateMachineAlias: describeStateMachineAlias,
  DescribeStateMachineForExecution: describeStateMachineForExecution,
  GetExecutionHistory: getExecutionHistory,
  ListExecutions: listExecutions,
  ListMapRuns: listMapRuns,
  ListStateMachineAliases: listStateMachineAliases,
  ListStateMachineVersions: listStateMachineVersions,
  ListStateMachines: listStateMachines,
  ListTagsForResource: listTagsForResource,
  PublishStateMachineVersion: publishStateMachineVersion,
  RedriveExecution: redriveExecution,
  StartExecution: startExecution,
  StartSyncExecution: startSyncExecution,
  StopExecution: stopExecution,
  TagResource: tagResource,
  TestState: testStateOperation,
  UntagResource: untagResource,
  UpdateMapRun: updateMapRun,
  UpdateStateMachine: updateStateMachine,
  UpdateStateMachineAlias: updateStateMachineAlias,
  ValidateStateMachineDefinition: validateStateMachineDefinition,
} as const satisfies Record<string, Operation>;
export type ActionName = keyof typeof operations;

export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(operations, name);
}
