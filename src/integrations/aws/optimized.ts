/**
 * The optimized integrations, with the request and response shapes AWS documents and records:
 *
 *   sqs:sendMessage[.waitForTaskToken]   MessageBody may be JSON (sent as its text)
 *   sns:publish[.waitForTaskToken]       Message may be JSON (sent as its text)
 *   dynamodb:getItem|putItem|updateItem|deleteItem
 *   events:putEvents[.waitForTaskToken]  Detail may be JSON; the state machine's and the execution's
 *                                        ARNs are added to each entry's Resources; an entry that
 *                                        failed fails the task with EventBridge.FailedEntry
 *   ecs:runTask[.sync|.waitForTaskToken] .sync starts the task (StartedBy "AWS Step Functions") and
 *                                        polls DescribeTasks until it is STOPPED; the result is the
 *                                        stopped task, a container that exited non-zero fails it
 *
 * SQS, SNS, DynamoDB and ECS RunTask results carry SdkHttpMetadata and SdkResponseMetadata, as the
 * AWS SDK for Java 1.x that Step Functions uses for them puts them there; EventBridge's do not.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { StatesErrors } from '../../vocabulary/states-errors.js';
import type { Json, JsonObject } from '../../json.js';
import type { IntegrationPattern } from '../../vocabulary/resource.js';
import type { Integration, TaskInvocation, TaskOutcome } from '../../engine/ports.js';
import { optimizedError, type OptimizedNaming } from './errors.js';
import { RoleUnavailable } from './roles.js';
import { regionOf, type AwsSettings, type ClientCache } from './settings.js';
import {
  commandClass,
  fromSdkOutput,
  loadTaskSdkModule,
  operationSchemas,
  toSdkInput,
  type SdkClient,
  type SdkModule,
} from './sdk.js';

interface ServiceSpec {
  /** The client package's service name (`events` → eventbridge). */
  sdkService: string;
  naming: OptimizedNaming;
  /** Supported actions and their integration patterns. */
  actions: Record<string, IntegrationPattern[]>;
  /** Whether results carry SdkHttpMetadata / SdkResponseMetadata. */
  httpMetadata: boolean;
}

const SERVICES: Record<string, ServiceSpec> = {
  sqs: {
    sdkService: 'sqs',
    naming: { prefix: 'SQS', serviceName: 'AmazonSQS', unmodeled: 'AmazonSQSException' },
    actions: { sendMessage: ['request-response', 'waitForTaskToken'] },
    httpMetadata: true,
  },
  sns: {
    sdkService: 'sns',
    naming: { prefix: 'SNS', serviceName: 'AmazonSNS', unmodeled: 'AmazonSNSException' },
    actions: { publish: ['request-response', 'waitForTaskToken'] },
    httpMetadata: true,
  },
  dynamodb: {
    sdkService: 'dynamodb',
    naming: { prefix: 'DynamoDB', serviceName: 'AmazonDynamoDBv2', unmodeled: 'AmazonDynamoDBException' },
    actions: {
      getItem: ['request-response'],
      putItem: ['request-response'],
      updateItem: ['request-response'],
      deleteItem: ['request-response'],
    },
    httpMetadata: true,
  },
  events: {
    sdkService: 'eventbridge',
    naming: { prefix: 'EventBridge', serviceName: 'AmazonEventBridge', unmodeled: 'AmazonEventBridgeException' },
    actions: { putEvents: ['request-response', 'waitForTaskToken'] },
    httpMetadata: false,
  },
  ecs: {
    sdkService: 'ecs',
    naming: { prefix: 'ECS', serviceName: 'AmazonECS', unmodeled: 'AmazonECSException' },
    actions: { runTask: ['request-response', 'sync', 'waitForTaskToken'] },
    httpMetadata: true,
  },
};

const PATTERN_SUFFIX: Record<IntegrationPattern, string> = {
  'request-response': '',
  sync: '.sync',
  'sync:2': '.sync:2',
  waitForTaskToken: '.waitForTaskToken',
};

/** Thrown inside a call to fail the task with this error and cause. */
class TaskError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(cause);
  }
}

export class OptimizedAwsIntegration implements Integration {
  readonly name = 'aws';

  constructor(
    private readonly clients: ClientCache,
    private readonly settings: AwsSettings,
  ) {}

  handles({ parsed }: TaskInvocation): boolean {
    return parsed.kind === 'service' && SERVICES[parsed.service]?.actions[parsed.action] !== undefined;
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    const parsed = task.parsed;
    const spec = parsed.kind === 'service' ? SERVICES[parsed.service] : undefined;
    if (parsed.kind !== 'service' || !spec)
      return {
        kind: 'failed',
        error: StatesErrors.TaskFailed,
        cause: `Not an optimized AWS resource: '${task.resource}'`,
      };
    const patterns = spec.actions[parsed.action] ?? [];
    if (!patterns.includes(parsed.pattern)) {
      return {
        kind: 'failed',
        error: StatesErrors.Runtime,
        cause: `The resource '${task.resource}' is not supported: ${parsed.service}:${parsed.action} supports ${patterns.map((p) => `'${parsed.action}${PATTERN_SUFFIX[p]}'`).join(', ')}`,
      };
    }
    const mod = await loadTaskSdkModule(spec.sdkService);
    if ('kind' in mod) return mod;
    let client;
    try {
      client = await this.clients.forTask(mod, regionOf(task.executionArn), [parsed.service, spec.sdkService], task);
    } catch (error) {
      if (error instanceof RoleUnavailable)
        return { kind: 'failed', error: StatesErrors.TaskFailed, cause: error.message };
      throw error;
    }
    const call = new Call(mod, client, spec, task.signal);
    try {
      const output = await this.run(call, task, parsed.service, parsed.pattern);
      return { kind: 'succeeded', output };
    } catch (error) {
      if (error instanceof TaskError) return { kind: 'failed', error: error.error, cause: error.cause };
      return { kind: 'failed', ...optimizedError(mod, spec.naming, error) };
    }
  }

  private async run(call: Call, task: TaskInvocation, service: string, pattern: IntegrationPattern): Promise<Json> {
    const params = isObject(task.parameters) ? task.parameters : {};
    switch (service) {
      case 'sqs':
        return call.send('sendMessage', { ...params, ...jsonText(params, 'MessageBody') });
      case 'sns':
        return call.send('publish', { ...params, ...jsonText(params, 'Message') });
      case 'dynamodb':
        return call.send((task.parsed as { action: string }).action, params);
      case 'events':
        return this.putEvents(call, task, params);
      case 'ecs':
        return this.runTask(call, task, params, pattern);
      default:
        throw new TaskError(StatesErrors.Runtime, `Unsupported service '${service}'`);
    }
  }

  private async putEvents(call: Call, task: TaskInvocation, params: JsonObject): Promise<Json> {
    const entries = Array.isArray(params.Entries) ? params.Entries : [];
    const Entries = entries.map((entry) => {
      if (!isObject(entry)) return entry;
      const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
      return {
        ...entry,
        ...jsonText(entry, 'Detail'),
        Resources: [...resources, task.stateMachineArn, task.executionArn],
      };
    });
    const output = await call.send('putEvents', { ...params, Entries });
    if (isObject(output) && typeof output.FailedEntryCount === 'number' && output.FailedEntryCount > 0) {
      throw new TaskError('EventBridge.FailedEntry', JSON.stringify(output));
    }
    return output;
  }

  private async runTask(
    call: Call,
    task: TaskInvocation,
    params: JsonObject,
    pattern: IntegrationPattern,
  ): Promise<Json> {
    const request: JsonObject = { ...params };
    if (pattern === 'sync' && !hasKey(request, 'StartedBy')) request.StartedBy = 'AWS Step Functions';
    // A task re-invoked after a restart must not start a second ECS task: RunTask is idempotent by token.
    if (!hasKey(request, 'ClientToken'))
      request.ClientToken = createHash('sha256')
        .update(`${task.executionArn}\n${task.taskId}`)
        .digest('hex')
        .slice(0, 64);
    const output = await call.send('runTask', request);
    if (pattern === 'request-response') return output;
    const failures = isObject(output) && Array.isArray(output.Failures) ? output.Failures : [];
    if (failures.length > 0) throw new TaskError('AmazonECS.Unknown', JSON.stringify(output));
    if (pattern !== 'sync') return output;
    task.submitted?.(output);
    const started = isObject(output) && Array.isArray(output.Tasks) ? output.Tasks[0] : undefined;
    if (!isObject(started) || typeof started.TaskArn !== 'string')
      throw new TaskError('AmazonECS.Unknown', JSON.stringify(output));
    for (;;) {
      const described = await call.send(
        'describeTasks',
        { Cluster: started.ClusterArn ?? request.Cluster ?? null, Tasks: [started.TaskArn] },
        false,
      );
      const current = isObject(described) && Array.isArray(described.Tasks) ? described.Tasks[0] : undefined;
      if (isObject(current) && current.LastStatus === 'STOPPED') {
        const containers = Array.isArray(current.Containers) ? current.Containers : [];
        const failed = containers.some((c) => isObject(c) && c.ExitCode !== 0);
        if (failed || containers.length === 0) throw new TaskError(StatesErrors.TaskFailed, JSON.stringify(current));
        return current;
      }
      await sleep(this.settings.ecsPollIntervalMs, undefined, { signal: task.signal });
    }
  }
}

/** One task's calls to one service. */
class Call {
  constructor(
    private readonly mod: SdkModule,
    private readonly client: SdkClient,
    private readonly spec: ServiceSpec,
    private readonly signal: AbortSignal,
  ) {}

  /** Sends `<Action>Command` with the PascalCase parameters; the result as Step Functions shows it. */
  async send(action: string, params: JsonObject, withMetadata = this.spec.httpMetadata): Promise<Json> {
    const Command = commandClass(this.mod, action);
    if (!Command) throw new TaskError(StatesErrors.TaskFailed, `${this.mod.packageName} has no ${action} command`);
    const schemas = operationSchemas(this.mod, new Command({} as never));
    const command = new Command(toSdkInput(params, schemas.input) as never);
    let http: HttpResponse | undefined;
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        http = result.response as HttpResponse;
        return result;
      },
      { step: 'deserialize', name: 'stepwiseHttpMetadata' },
    );
    const response = await this.client.send(command, { abortSignal: this.signal });
    const output = await fromSdkOutput(response, schemas.output, { timestamps: 'epochMillis' });
    if (!withMetadata || !isObject(output)) return output;
    const requestId = (response.$metadata as { requestId?: string } | undefined)?.requestId ?? null;
    return { ...output, ...httpMetadata(http, requestId) };
  }
}

interface HttpResponse {
  statusCode?: number;
  headers?: Record<string, string>;
}

/** SdkHttpMetadata (AllHttpHeaders: name → [values], HttpHeaders: name → value, HttpStatusCode) and SdkResponseMetadata. */
function httpMetadata(http: HttpResponse | undefined, requestId: string | null): JsonObject {
  const all: JsonObject = {};
  const single: JsonObject = {};
  for (const [name, value] of Object.entries(http?.headers ?? {})) {
    const header = headerName(name);
    all[header] = [value];
    single[header] = value;
  }
  return {
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: single, HttpStatusCode: http?.statusCode ?? 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

const HEADER_NAMES: Record<string, string> = {
  'x-amzn-requestid': 'x-amzn-RequestId',
  'x-amz-crc32': 'x-amz-crc32',
  'x-amz-id-2': 'x-amz-id-2',
};

function headerName(name: string): string {
  const lower = name.toLowerCase();
  return HEADER_NAMES[lower] ?? lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** `{ [key]: text }` when the parameter is JSON other than text (a message body given as an object). */
function jsonText(params: JsonObject, key: string): JsonObject {
  const value = params[key];
  return value === undefined || typeof value === 'string' ? {} : { [key]: JSON.stringify(value) };
}

function hasKey(params: JsonObject, key: string): boolean {
  return Object.keys(params).some((k) => k.toLowerCase() === key.toLowerCase());
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
