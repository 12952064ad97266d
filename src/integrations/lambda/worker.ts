/**
 * A function worker: a thread that serves one local function, one invocation at a time, like a
 * Lambda execution environment. It loads the module on the first invocation and keeps it (module
 * state survives between invocations, as in a warm Lambda), calls `handler(event, context[,
 * callback])`, and answers with the JSON text of the result or Lambda's error document.
 *
 * Errors are shaped as the Node.js Lambda runtime shapes them: `{errorType, errorMessage, trace}`,
 * `Runtime.ImportModuleError`, `Runtime.UserCodeSyntaxError`, `Runtime.HandlerNotFound`,
 * `Runtime.UnhandledPromiseRejection`. Hangs, loops, `process.exit` and crashes are the pool's
 * business: it terminates or replaces this thread.
 */
import { basename, extname } from 'node:path';
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type {
  ContextFields,
  FunctionLogLevel,
  InvokeMessage,
  LambdaErrorDocument,
  ResultMessage,
  WorkerData,
} from './worker-protocol.js';

type Handler = (event: unknown, context: unknown, callback: (error?: unknown, result?: unknown) => void) => unknown;

const port = parentPort;
if (!port) throw new Error('worker.ts runs in a worker thread');
const data = workerData as WorkerData;

let handler: Promise<Handler> | undefined;
/** The invocation in progress, to answer for it if the code crashes outside the handler's promise. */
let current: number | undefined;
/** The request id of the latest invocation, which the function's console lines are tagged with. */
let requestId: string | undefined;

// console.* becomes one structured line in the engine's log per call, tagged with the request id
// (as Lambda's runtime tags its CloudWatch lines), instead of raw text amid the engine's JSON lines.
const consoleLevels: Record<string, FunctionLogLevel> = {
  log: 'info',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
  warn: 'warn',
  error: 'error',
};
for (const [method, level] of Object.entries(consoleLevels)) {
  (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    const line: ResultMessage = { type: 'log', level, message: format(...args) };
    port.postMessage(requestId !== undefined ? { ...line, requestId } : line);
  };
}

function post(message: Exclude<ResultMessage, { type: 'log' }>): void {
  if (message.id !== current) return;
  current = undefined;
  port!.postMessage(message);
}

/** Lambda's error document for a thrown value, as the Node.js runtime writes it. */
function errorDocument(error: unknown, errorType?: string): LambdaErrorDocument {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown; constructor?: { name?: unknown } };
    const name =
      typeof e.name === 'string' ? e.name : typeof e.constructor?.name === 'string' ? e.constructor.name : 'Error';
    return {
      errorType: errorType ?? name,
      errorMessage: String(e.message),
      trace: typeof e.stack === 'string' ? e.stack.split('\n') : [],
    };
  }
  return { errorType: errorType ?? typeof error, errorMessage: String(error), trace: [] };
}

class InitError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly original?: unknown,
  ) {
    super(message);
    this.name = errorType;
  }
}

function isTypeScript(file: string): boolean {
  return ['.ts', '.mts', '.cts'].includes(extname(file));
}

async function loadHandler(): Promise<Handler> {
  const url = pathToFileURL(data.file).href;
  let mod: Record<string, unknown>;
  try {
    // .ts through tsx when it is installed (it maps `./x.js` imports to `./x.ts` as tsc does), else
    // Node.js's own type stripping (22.18+, where imports must name the .ts files).
    const nativeTypeScript = Boolean((process.features as { typescript?: unknown }).typescript);
    if (isTypeScript(data.file) && data.tsxApiUrl) {
      const { tsImport } = (await import(data.tsxApiUrl)) as {
        tsImport: (url: string, parent: string) => Promise<Record<string, unknown>>;
      };
      mod = await tsImport(url, import.meta.url);
    } else if (isTypeScript(data.file) && !nativeTypeScript) {
      throw new InitError(
        'Runtime.ImportModuleError',
        `Error: Cannot load the TypeScript function ${data.file}: install tsx (npm install tsx) or use Node.js 22.18 or newer`,
      );
    } else {
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof InitError) throw e;
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new InitError(
      e instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError',
      text,
      e,
    );
  }
  const fallback = mod.default as Record<string, unknown> | undefined;
  const fn =
    typeof mod.handler === 'function'
      ? mod.handler
      : typeof fallback === 'object' && fallback !== null
        ? fallback.handler
        : undefined;
  if (typeof fn !== 'function') {
    const name = basename(data.file, extname(data.file));
    throw new InitError('Runtime.HandlerNotFound', `${name}.handler is undefined or not exported`);
  }
  return fn as Handler;
}

function makeContext(fields: ContextFields, done: (error: unknown, result?: unknown) => void): Record<string, unknown> {
  const { timeoutMs, clientContext, ...rest } = fields;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    ...rest,
    ...(clientContext !== undefined ? { clientContext } : {}),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The legacy context methods the Node.js runtime still offers.
    done: (error?: unknown, result?: unknown) => done(error ?? null, result),
    succeed: (result?: unknown) => done(null, result),
    fail: (error?: unknown) => done(error ?? 'handled'),
  };
}

async function invoke(message: InvokeMessage): Promise<void> {
  const { id } = message;
  current = id;
  requestId = message.context.awsRequestId;
  let fn: Handler;
  try {
    handler ??= loadHandler();
    fn = await handler;
  } catch (e) {
    const error =
      e instanceof InitError
        ? { errorType: e.errorType, errorMessage: e.message, trace: errorDocument(e.original ?? e).trace }
        : errorDocument(e);
    post({ type: 'result', id, ok: false, error, discard: true });
    return;
  }
  port!.postMessage({ type: 'started', id } satisfies ResultMessage);
  let settled = false;
  const finish = (error: unknown, result?: unknown) => {
    if (settled) return;
    settled = true;
    if (error !== null && error !== undefined) {
      post({ type: 'result', id, ok: false, error: errorDocument(error) });
      return;
    }
    let payload: string;
    try {
      payload = JSON.stringify(result === undefined ? null : result) ?? 'null';
    } catch (e) {
      post({ type: 'result', id, ok: false, error: errorDocument(e) });
      return;
    }
    post({ type: 'result', id, ok: true, payload });
  };
  try {
    const event: unknown = JSON.parse(message.event);
    const returned = fn(event, makeContext(message.context, finish), (error, result) => finish(error ?? null, result));
    if (
      typeof returned === 'object' &&
      returned !== null &&
      typeof (returned as { then?: unknown }).then === 'function'
    ) {
      (returned as Promise<unknown>).then(
        (result) => finish(null, result),
        (error: unknown) => finish(error ?? new Error(String(error))),
      );
    } else if (fn.length < 3) {
      // A synchronous handler without a callback: its return value is the result.
      finish(null, returned);
    }
  } catch (e) {
    finish(e ?? new Error(String(e)));
  }
}

port.on('message', (message: InvokeMessage) => {
  if (message.type === 'invoke') void invoke(message);
});

// Errors outside the handler's promise end the invocation, and this environment, as on Lambda.
process.on('uncaughtException', (error) => {
  if (current === undefined) process.exit(129);
  post({ type: 'result', id: current, ok: false, error: errorDocument(error), discard: true });
});
process.on('unhandledRejection', (reason) => {
  if (current === undefined) process.exit(128);
  const doc = errorDocument(reason, 'Runtime.UnhandledPromiseRejection');
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  post({ type: 'result', id: current, ok: false, error: { ...doc, errorMessage: text }, discard: true });
});
