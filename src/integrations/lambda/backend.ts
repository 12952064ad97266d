/**
 * What the Lambda integration needs from "Lambda": the Invoke call. Two backends implement it:
 * local functions in worker threads (`local-functions.ts`) and a real Lambda-compatible endpoint
 * (`remote-lambda.ts`, STEPWISE_LAMBDA_ENDPOINT). Both answer the way Lambda's Invoke API does, so
 * the integration turns either into Step Functions' results and errors the same way.
 */
import type { FunctionTarget } from './function-name.js';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeRequest {
  target: FunctionTarget;
  /** The event, as JSON text. */
  payload: string;
  invocationType: InvocationType;
  /** Base64-encoded JSON (Lambda's ClientContext). */
  clientContext?: string;
  /** The function's timeout. */
  timeoutSeconds: number;
  /** Extra time before a local function is stopped (so a Task's own States.Timeout comes first). */
  graceMs: number;
  signal: AbortSignal;
}

export type InvokeResponse =
  /** Lambda answered: 200 (a result, or a function error), 202 (Event) or 204 (DryRun). */
  | {
      kind: 'invoked';
      statusCode: number;
      /** Response payload text: the result, or the error document when `functionError` is set. */
      payload: string;
      /** 'Unhandled' when the function failed (X-Amz-Function-Error). */
      functionError?: string;
      executedVersion?: string;
      requestId: string;
      /** The HTTP response headers, in the order received. */
      headers: Array<[string, string]>;
    }
  /** Lambda refused the call (ResourceNotFoundException, ServiceException, ...) or could not be reached. */
  | { kind: 'serviceError'; errorCode: string; statusCode?: number; message: string; requestId?: string }
  /** The task was cancelled first. */
  | { kind: 'cancelled' };

export interface LambdaBackend {
  invoke(request: InvokeRequest): Promise<InvokeResponse>;
  close(): Promise<void>;
}
