/**
 * `arn:aws:states:::aws-sdk:<service>:<action>`: any action of any service whose
 * `@aws-sdk/client-<service>` package is installed. The state's PascalCase parameters become the
 * command's input, the response (without $metadata; streamed bodies read as text, e.g. S3
 * GetObject's Body) becomes the task's result, and errors are named as AWS names them.
 */
import { StatesErrors } from '../../vocabulary/states-errors.js';
import type { Integration, TaskInvocation, TaskOutcome } from '../../engine/ports.js';
import { awsSdkError } from './errors.js';
import { RoleUnavailable } from './roles.js';
import { ClientCache, regionOf } from './settings.js';
import { commandClass, fromSdkOutput, loadTaskSdkModule, operationSchemas, toSdkInput } from './sdk.js';

export class AwsSdkIntegration implements Integration {
  readonly name = 'aws-sdk';

  constructor(private readonly clients: ClientCache) {}

  handles({ parsed }: TaskInvocation): boolean {
    return parsed.kind === 'aws-sdk';
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    const parsed = task.parsed;
    if (parsed.kind !== 'aws-sdk')
      return { kind: 'failed', error: StatesErrors.TaskFailed, cause: `Not an AWS SDK resource: '${task.resource}'` };
    if (parsed.pattern === 'sync' || parsed.pattern === 'sync:2') {
      return {
        kind: 'failed',
        error: StatesErrors.Runtime,
        cause: `The AWS SDK integration does not support the .${parsed.pattern} pattern: '${task.resource}'`,
      };
    }
    const mod = await loadTaskSdkModule(parsed.service);
    if ('kind' in mod) return mod;
    const Command = commandClass(mod, parsed.action);
    if (!Command) {
      return {
        kind: 'failed',
        error: StatesErrors.TaskFailed,
        cause: `${mod.packageName} has no action '${parsed.action}' (no ${parsed.action.charAt(0).toUpperCase()}${parsed.action.slice(1)}Command)`,
      };
    }
    let client;
    try {
      client = await this.clients.forTask(
        mod,
        regionOf(task.executionArn),
        [parsed.service, mod.packageName.replace('@aws-sdk/client-', '')],
        task,
      );
    } catch (error) {
      if (error instanceof RoleUnavailable)
        return { kind: 'failed', error: StatesErrors.TaskFailed, cause: error.message };
      throw error;
    }
    const probe = new Command({} as never);
    const schemas = operationSchemas(mod, probe);
    const input = toSdkInput(task.parameters ?? {}, schemas.input);
    const command = new Command(input as never);
    try {
      const response = await client.send(command, { abortSignal: task.signal });
      return { kind: 'succeeded', output: await fromSdkOutput(response, schemas.output, { timestamps: 'iso' }) };
    } catch (error) {
      return { kind: 'failed', ...awsSdkError(mod, client.config.serviceId ?? parsed.service, error) };
    }
  }
}
