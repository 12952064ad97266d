/**
 * Local functions in place of Lambda. `createLambdaIntegration` reads its settings:
 *   functionsDir  --functions-dir / STEPWISE_FUNCTIONS_DIR (default ./functions)
 *   endpoint      STEPWISE_LAMBDA_ENDPOINT: forward invocations to a Lambda-compatible endpoint
 *   STEPWISE_LAMBDA_TIMEOUT  a function's timeout in seconds when its Task has no TimeoutSeconds (default 3)
 */
import { LambdaIntegration, type LambdaIntegrationOptions } from './lambda-integration.js';

export {
  LambdaIntegration,
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
  envelope,
  functionFailure,
  type LambdaIntegrationOptions,
} from './lambda-integration.js';
export { LocalFunctions, FUNCTION_EXTENSIONS } from './local-functions.js';
export { RemoteLambda } from './remote-lambda.js';
export { WorkerPool, type PoolJob, type PoolOutcome, type WorkerPoolOptions } from './worker-pool.js';
export type { LambdaBackend, InvokeRequest, InvokeResponse } from './backend.js';

export const DEFAULT_FUNCTIONS_DIR = 'functions';

export function createLambdaIntegration(
  options: LambdaIntegrationOptions & { env?: Record<string, string | undefined> } = {},
): LambdaIntegration {
  const env = options.env ?? process.env;
  const timeout = Number(env.STEPWISE_LAMBDA_TIMEOUT);
  const endpoint = options.endpoint ?? env.STEPWISE_LAMBDA_ENDPOINT;
  return new LambdaIntegration({
    ...options,
    functionsDir: options.functionsDir ?? env.STEPWISE_FUNCTIONS_DIR ?? DEFAULT_FUNCTIONS_DIR,
    ...(endpoint ? { endpoint } : {}),
    ...(options.defaultTimeoutSeconds === undefined && Number.isFinite(timeout) && timeout > 0
      ? { defaultTimeoutSeconds: timeout }
      : {}),
    region: options.region ?? env.STEPWISE_REGION,
    accountId: options.accountId ?? env.STEPWISE_ACCOUNT_ID,
  });
}
