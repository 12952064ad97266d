/** Messages between the worker pool (main thread) and a function worker (`worker.ts`). */

/** What a worker thread is started with: the function it serves, for its whole life. */
export interface WorkerData {
  /** Absolute path of the function's module. */
  file: string;
  /** `tsx/esm/api`'s URL, to load `.ts` functions on Node versions that cannot strip types. */
  tsxApiUrl?: string;
}

/** The invocation context fields that cross the thread boundary (the worker adds the methods). */
export interface ContextFields {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  /** The function's timeout: getRemainingTimeInMillis() counts down from it once the handler is called. */
  timeoutMs: number;
  clientContext?: unknown;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  /** The event as JSON text (Lambda's Payload). */
  event: string;
  context: ContextFields;
}

/** Lambda's error document, as the Node.js runtime writes it (field order included). */
export interface LambdaErrorDocument {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** The log level of a line a function wrote with `console.*`. */
export type FunctionLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ResultMessage =
  /** A `console.*` call in the function, with the request id of the invocation it ran in. */
  | { type: 'log'; level: FunctionLogLevel; message: string; requestId?: string }
  /** The module is loaded and the handler is being called: the function's timeout starts now. */
  | { type: 'started'; id: number }
  | { type: 'result'; id: number; ok: true; payload: string }
  /** `discard`: the worker is no longer usable (its module failed to load, or it is about to exit). */
  | { type: 'result'; id: number; ok: false; error: LambdaErrorDocument; discard?: boolean };
