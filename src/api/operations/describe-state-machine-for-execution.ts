import { seconds, type ApiContext, type Operation } from '../context.js';
import type { ExecutionRecord } from '../../store/types.js';
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
  if (execution.mapRunArn !== undefined) return mapRunChildMachine(ctx, execution);
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

/** A Map Run's child runs the ItemProcessor as `<parent>/<label>`: AWS answers it with the run and the label. */
async function mapRunChildMachine(ctx: ApiContext, execution: ExecutionRecord) {
  const run = await ctx.store.getMapRun(execution.mapRunArn ?? '');
  const name = execution.stateMachineArn.slice(
    execution.stateMachineArn.indexOf(':stateMachine:') + ':stateMachine:'.length,
  );
  return {
    stateMachineArn: execution.stateMachineArn,
    name,
    definition: execution.definition,
    roleArn: execution.state.info.roleArn,
    updateDate: seconds(run?.startDate ?? execution.startDate),
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    encryptionConfiguration: defaultEncryption,
    mapRunArn: execution.mapRunArn,
    label: name.slice(name.indexOf('/') + 1),
  };
}
