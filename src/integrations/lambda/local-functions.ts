/**
 * Local functions: `<name>.mjs`, `.js`, `.cjs`, `.ts` or `.mts` in the functions folder (or
 * `<name>/index.<ext>`), exporting `handler(event, context)` as for Lambda's Node.js runtime. They run
 * in the worker pool, and their outcomes are reported as Lambda's Invoke API reports them:
 *   - a result: 200 with the result's JSON;
 *   - a thrown error: 200, X-Amz-Function-Error: Unhandled, `{"errorType","errorMessage","trace"}`;
 *   - a timeout: 200, Unhandled, `{"errorMessage":"<time> <request id> Task timed out after N.NN seconds"}`
 *     (no errorType, which Step Functions reports as Lambda.Unknown);
 *   - process.exit or a crash: 200, Unhandled, `{"errorType":"Runtime.ExitError",...}`;
 *   - no such function: 404 ResourceNotFoundException "Function not found: <arn>".
 * The folder is looked up on every invocation, so functions can be added or edited while the
 * server runs (an edited file gets new workers).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import type { InvokeRequest, InvokeResponse, LambdaBackend } from './backend.js';
import { functionArn, type FunctionTarget } from './function-name.js';
import { WorkerPool, type PoolJob, type PoolOutcome, type WorkerPoolOptions } from './worker-pool.js';
import type { ContextFields } from './worker-protocol.js';

/** The extensions a function file may have, in the order they are looked for. */
export const FUNCTION_EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts'] as const;

/** Lambda's default memory size; what context.memoryLimitInMB reports. */
export const DEFAULT_MEMORY_SIZE = 128;

export interface LocalFunctionsOptions extends WorkerPoolOptions {
  dir: string;
  /** context.memoryLimitInMB and AWS_LAMBDA_FUNCTION_MEMORY_SIZE (default 128). */
  memorySize?: number;
  logger?: Logger;
}

interface FoundFunction {
  file: string;
  mtimeMs: number;
}

export class LocalFunctions implements LambdaBackend {
  readonly dir: string;
  private readonly pool: WorkerPool;
  private readonly memorySize: number;
  private readonly log: Logger | undefined;

  constructor(options: LocalFunctionsOptions) {
    this.dir = resolve(options.dir);
    this.pool = new WorkerPool(options);
    this.memorySize = options.memorySize ?? DEFAULT_MEMORY_SIZE;
    this.log = options.logger;
  }

  /** Worker threads alive now (busy or warm). */
  get workers(): number {
    return this.pool.size;
  }

  /** Worker threads running an invocation now. */
  get busyWorkers(): number {
    return this.pool.busy;
  }

  /**
   * The function's file, if the folder has one. Only a file inside the folder counts: a name with
   * `..` or a symlink that leads out of the folder finds nothing (names are checked as Lambda's
   * before they get here, so this is the second wall, not the first).
   */
  async find(name: string): Promise<FoundFunction | undefined> {
    const candidates = [
      ...FUNCTION_EXTENSIONS.map((ext) => join(this.dir, name + ext)),
      ...FUNCTION_EXTENSIONS.map((ext) => join(this.dir, name, `index${ext}`)),
    ];
    const root = await realpath(this.dir).catch(() => undefined);
    if (root === undefined) return undefined;
    for (const file of candidates) {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      const real = await realpath(file).catch(() => undefined);
      if (real !== undefined && real.startsWith(root + sep)) return { file: real, mtimeMs: info.mtimeMs };
    }
    return undefined;
  }

  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const { target } = request;
    const requestId = randomUUID();
    const found = await this.find(target.name);
    if (!found) {
      return {
        kind: 'serviceError',
        errorCode: 'ResourceNotFoundException',
        statusCode: 404,
        message: `Function not found: ${functionArn(target)}`,
        requestId,
      };
    }
    let clientContext: unknown;
    if (request.clientContext !== undefined) {
      try {
        clientContext = JSON.parse(Buffer.from(request.clientContext, 'base64').toString('utf8'));
      } catch {
        return {
          kind: 'serviceError',
          errorCode: 'InvalidRequestContentException',
          statusCode: 400,
          message: 'Client context must be a valid Base64-encoded JSON object.',
          requestId,
        };
      }
    }
    if (request.invocationType === 'DryRun') return invoked(204, '', requestId);

    const executedVersion =
      target.qualifier !== undefined && /^\d+$/.test(target.qualifier) ? target.qualifier : '$LATEST';
    const job = this.job(found, target, request, requestId, executedVersion, clientContext);
    if (request.invocationType === 'Event') {
      // Asynchronous: Lambda accepts the event (202) and runs it; its outcome goes to the log only.
      void this.pool.run({ ...job, signal: undefined }).then((outcome) => this.logOutcome(target, requestId, outcome));
      return invoked(202, '', requestId);
    }
    const outcome = await this.pool.run(job);
    this.logOutcome(target, requestId, outcome);
    switch (outcome.kind) {
      case 'returned':
        return invoked(200, outcome.payload, requestId, executedVersion);
      case 'threw':
        return invoked(200, JSON.stringify(outcome.error), requestId, executedVersion, 'Unhandled');
      case 'timedOut':
        return invoked(
          200,
          JSON.stringify({
            errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${request.timeoutSeconds.toFixed(2)} seconds`,
          }),
          requestId,
          executedVersion,
          'Unhandled',
        );
      case 'exited': {
        const how =
          outcome.error && (outcome.error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? 'signal: killed'
            : `exit status ${outcome.code}`;
        return invoked(
          200,
          JSON.stringify({
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}`,
          }),
          requestId,
          executedVersion,
          'Unhandled',
        );
      }
      case 'cancelled':
        return { kind: 'cancelled' };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private job(
    found: FoundFunction,
    target: FunctionTarget,
    request: InvokeRequest,
    requestId: string,
    version: string,
    clientContext: unknown,
  ): PoolJob {
    const logGroupName = `/aws/lambda/${target.name}`;
    const now = new Date();
    const logStreamName = `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[${version}]${randomBytes(16).toString('hex')}`;
    const context: ContextFields = {
      functionName: target.name,
      functionVersion: version,
      invokedFunctionArn: functionArn(target),
      memoryLimitInMB: String(this.memorySize),
      awsRequestId: requestId,
      logGroupName,
      logStreamName,
      timeoutMs: request.timeoutSeconds * 1000,
      ...(clientContext !== undefined ? { clientContext } : {}),
    };
    return {
      // A worker's environment names its function's region and version: those are part of its identity.
      key: `${found.file}@${found.mtimeMs}#${target.region}#${version}`,
      file: found.file,
      // The environment variables Lambda sets for a function.
      env: {
        AWS_LAMBDA_FUNCTION_NAME: target.name,
        AWS_LAMBDA_FUNCTION_VERSION: version,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
        AWS_REGION: target.region,
        AWS_DEFAULT_REGION: target.region,
        LAMBDA_TASK_ROOT: this.dir,
        _HANDLER: `${target.name}.handler`,
      },
      event: request.payload === '' ? '{}' : request.payload,
      context,
      timeoutMs: request.timeoutSeconds * 1000 + request.graceMs,
      signal: request.signal,
    };
  }

  private logOutcome(target: FunctionTarget, requestId: string, outcome: PoolOutcome): void {
    if (!this.log) return;
    const fields = { functionName: target.name, requestId, outcome: outcome.kind };
    if (outcome.kind === 'returned' || outcome.kind === 'cancelled') this.log.debug(fields, 'local function invoked');
    else
      this.log.info(
        {
          ...fields,
          ...(outcome.kind === 'threw'
            ? { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage }
            : {}),
        },
        'local function failed',
      );
  }
}

/** Lambda's Invoke response, with the headers Lambda sends. */
function invoked(
  statusCode: number,
  payload: string,
  requestId: string,
  executedVersion?: string,
  functionError?: string,
): InvokeResponse {
  const headers: Array<[string, string]> = [];
  if (executedVersion !== undefined) headers.push(['X-Amz-Executed-Version', executedVersion]);
  if (functionError !== undefined) headers.push(['X-Amz-Function-Error', functionError]);
  if (statusCode === 200) headers.push(['x-amzn-Remapped-Content-Length', '0']);
  headers.push(
    ['Connection', 'keep-alive'],
    ['x-amzn-RequestId', requestId],
    ['Content-Length', String(Buffer.byteLength(payload))],
    ['Date', new Date().toUTCString()],
    [
      'X-Amzn-Trace-Id',
      `root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};sampled=0`,
    ],
    ['Content-Type', 'application/json'],
  );
  return {
    kind: 'invoked',
    statusCode,
    payload,
    requestId,
    headers,
    ...(executedVersion !== undefined ? { executedVersion } : {}),
    ...(functionError !== undefined ? { functionError } : {}),
  };
}
