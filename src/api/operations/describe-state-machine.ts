import type { StateMachineRecord } from '../../store/types.js';
import { seconds, type Operation, type Output } from '../context.js';
import { stateMachineDoesNotExist } from '../errors.js';
import { Limits } from '../request.js';
import { defaultEncryption } from '../configuration.js';
import { asOfVersion } from '../../engine/executions.js';

/**
 * The machine itself, one of its versions (described as the version: its ARN, description,
 * revision and creation date), or an alias (described as the machine it belongs to).
 */
export const describeStateMachine: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineArn', Limits.longArn);
  request.check();

  const arn = ctx.arns.expect(text, ['stateMachine', 'stateMachineVersion', 'stateMachineAlias']);
  const machine = await ctx.store.getStateMachine(arn.stateMachineArn);
  if (!machine) throw stateMachineDoesNotExist(text);
  switch (arn.kind) {
    case 'stateMachine':
      return describe(machine, machine.arn, machine.description, machine.creationDate);
    case 'stateMachineVersion': {
      const version = await ctx.store.getVersion(text);
      if (!version) throw stateMachineDoesNotExist(text);
      return describe(asOfVersion(machine, version), version.arn, version.description, version.creationDate);
    }
    case 'stateMachineAlias': {
      const alias = await ctx.store.getAlias(text);
      if (!alias) throw stateMachineDoesNotExist(text);
      return describe(machine, machine.arn, machine.description, machine.creationDate);
    }
  }
};

function describe(
  machine: StateMachineRecord,
  arn: string,
  description: string | undefined,
  creationDate: number,
): Output {
  return {
    stateMachineArn: arn,
    name: machine.name,
    status: machine.status,
    definition: machine.definition,
    roleArn: machine.roleArn,
    type: machine.type,
    creationDate: seconds(creationDate),
    loggingConfiguration: machine.loggingConfiguration,
    tracingConfiguration: machine.tracingConfiguration,
    encryptionConfiguration: machine.encryptionConfiguration ?? defaultEncryption,
    description,
    revisionId: machine.revisionId,
  };
}
