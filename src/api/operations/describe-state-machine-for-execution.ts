import { seconds, type Operation } from '../context.js';
import { stateMachineDoesNotExist } from '../errors.js';
import { standardExecution } from '../executions.js';
import { Limits } from '../request.js';
import { defaultEncryption } from '../configuration.js';
import { asOfVersion } from '../../engine/executions.js';

/**
 * The machine as the execution runs it: the definition it pinned at start, with its version's
 * configuration when it was started through one.
 */
export const describeStateMachineForExecution: Operation = async (request, ctx) => {
  const text = request.requiredString('executionArn', Limits.arn);
  request.check();
  const execution = await standardExecution(ctx, text);
  const current = await ctx.store.getStateMachine(execution.stateMachineArn);
  if (!current) throw stateMachineDoesNotExist(execution.stateMachineArn);
  const version = execution.stateMachineVersionArn
    ? await ctx.store.getVersion(execution.stateMachineVersionArn)
    : undefined;
  const machine = version ? asOfVersion(current, version) : current;
  return {
    stateMachineArn: machine.arn,
    name: machine.name,
    definition: execution.definition,
    roleArn: machine.roleArn,
    updateDate: seconds(version?.creationDate ?? machine.updateDate ?? machine.creationDate),
    loggingConfiguration: machine.loggingConfiguration,
    tracingConfiguration: machine.tracingConfiguration,
    encryptionConfiguration: machine.encryptionConfiguration ?? defaultEncryption,
    revisionId: machine.revisionId,
  };
};
