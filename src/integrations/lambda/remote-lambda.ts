/**
 * STEPWISE_LAMBDA_ENDPOINT: every Lambda invocation goes to a Lambda-compatible endpoint (a real
 * region, LocalStack, SAM's `sam local start-lambda`...) through `@aws-sdk/client-lambda`, as Step
 * Functions Local's LAMBDA_ENDPOINT does. The SDK does not retry (maxAttempts 1): Step Functions'
 * Retry fields decide, as they do on AWS for Lambda.ServiceException and friends.
 */
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { InvokeRequest, InvokeResponse, LambdaBackend } from './backend.js';
import { functionArn } from './function-name.js';

export interface RemoteLambdaOptions {
  endpoint: string;
  region: string;
  /** Defaults to AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment, else placeholder keys. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  env?: Record<string, string | undefined>;
}

interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string>;
}

export class RemoteLambda implements LambdaBackend {
  private readonly client: LambdaClient;

  constructor(options: RemoteLambdaOptions) {
    const env = options.env ?? process.env;
    const credentials =
      options.credentials ??
      (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : { accessKeyId: 'stepwise', secretAccessKey: 'stepwise' });
    this.client = new LambdaClient({ endpoint: options.endpoint, region: options.region, credentials, maxAttempts: 1 });
  }

  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const { target } = request;
    const command = new InvokeCommand({
      // The full ARN keeps the region and account the state machine named.
      FunctionName: functionArn(target, false),
      ...(target.qualifier !== undefined ? { Qualifier: target.qualifier } : {}),
      InvocationType: request.invocationType,
      Payload: request.payload,
      ...(request.clientContext !== undefined ? { ClientContext: request.clientContext } : {}),
    });
    let raw: RawResponse = {};
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        raw = result.response as RawResponse;
        return result;
      },
      { step: 'deserialize', name: 'stepwiseCaptureResponse' },
    );
    let output: InvokeCommandOutput;
    try {
      output = await this.client.send(command, { abortSignal: request.signal });
    } catch (e) {
      if (request.signal.aborted) return { kind: 'cancelled' };
      return serviceError(e);
    }
    const headers = Object.entries(raw.headers ?? {}).map(([name, value]): [string, string] => [
      canonicalHeader(name),
      value,
    ]);
    return {
      kind: 'invoked',
      statusCode: output.StatusCode ?? raw.statusCode ?? 200,
      payload: output.Payload ? output.Payload.transformToString() : '',
      requestId: output.$metadata.requestId ?? '',
      headers,
      ...(output.ExecutedVersion !== undefined ? { executedVersion: output.ExecutedVersion } : {}),
      ...(output.FunctionError !== undefined ? { functionError: output.FunctionError } : {}),
    };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function serviceError(e: unknown): InvokeResponse {
  const error = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  if (error.$metadata?.httpStatusCode !== undefined) {
    return {
      kind: 'serviceError',
      errorCode: error.name ?? 'ServiceException',
      statusCode: error.$metadata.httpStatusCode,
      message: error.message ?? '',
      ...(error.$metadata.requestId !== undefined ? { requestId: error.$metadata.requestId } : {}),
    };
  }
  // No HTTP response: the endpoint could not be reached (the Java SDK's SdkClientException).
  return {
    kind: 'serviceError',
    errorCode: 'SdkClientException',
    message: `Unable to execute HTTP request: ${error.message ?? String(e)}`,
  };
}

/** Node lower-cases header names; Step Functions shows Lambda's spelling. */
const HEADER_NAMES = new Map(
  [
    'Connection',
    'Content-Length',
    'Content-Type',
    'Date',
    'X-Amz-Executed-Version',
    'X-Amz-Function-Error',
    'X-Amz-Log-Result',
    'x-amzn-Remapped-Content-Length',
    'x-amzn-RequestId',
    'X-Amzn-Trace-Id',
  ].map((name) => [name.toLowerCase(), name]),
);

function canonicalHeader(name: string): string {
  return HEADER_NAMES.get(name.toLowerCase()) ?? name;
}
