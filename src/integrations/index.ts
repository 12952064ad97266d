/**
 * The integrations a server runs Task resources with, in the order they are asked. Each
 * integration adds itself here; `server.ts` is the only caller.
 */
import type { Logger } from 'pino';
import { ActivityIntegration, type ActivityQueue } from './activities/index.js';
import { createAwsIntegrations, type AwsSettings } from './aws/index.js';
import { createHttpIntegration, type HttpSettings } from './http/index.js';
import { createLambdaIntegration } from './lambda/index.js';
import type { IntegrationRegistry } from '../engine/ports.js';
import { StatesIntegration, type NestedExecutionHost } from './states/index.js';
import type { Executions } from '../engine/ports.js';

export interface IntegrationOptions {
  logger?: Logger;
  /** Environment to read integration settings from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** HTTP Tasks: connections and the host allow-list (else STEPWISE_CONNECTIONS, STEPWISE_HTTP_ALLOWED_HOSTS). */
  http?: HttpSettings;
  /** AWS service integrations: endpoints and credentials (else STEPWISE_AWS_ENDPOINT, STEPWISE_ENDPOINT_<SERVICE>, the SDK's chain). */
  aws?: Partial<AwsSettings>;
  /**
   * Nested executions (`arn:aws:states:::states:startExecution`): the API's StartExecution rules, and
   * the engine that runs them. Without them the resource is not handled.
   */
  executions?: { service: Executions; engine: NestedExecutionHost };
  /** Activities: where GetActivityTask polls wait for the tasks this integration schedules. */
  activities?: ActivityQueue;
  /** Lambda resources: the local functions folder (else STEPWISE_FUNCTIONS_DIR, default ./functions) or an endpoint to forward to (else STEPWISE_LAMBDA_ENDPOINT). */
  lambda?: { functionsDir?: string; endpoint?: string; region?: string; accountId?: string };
}

/**
 * Appends the server's integrations to the engine's registry, after what the engine put first (the
 * mocks, the test handlers). Called once the engine exists, before it starts: nested executions run
 * on it.
 */
export function addIntegrations(registry: IntegrationRegistry, options: IntegrationOptions = {}): IntegrationRegistry {
  if (options.activities) registry.append(new ActivityIntegration(options.activities));
  if (options.executions)
    registry.append(new StatesIntegration({ executions: options.executions.service, host: options.executions.engine }));
  registry.append(
    createLambdaIntegration({
      ...options.lambda,
      env: options.env ?? process.env,
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  );
  registry.append(createHttpIntegration(options.http, options.env ?? process.env, options.logger));
  const aws = createAwsIntegrations({ ...options.aws, env: options.env ?? process.env });
  for (const integration of aws.integrations) registry.append(integration);
  // The AWS integrations share their SDK clients: one closer for all of them.
  registry.onClose(() => aws.close());
  return registry;
}
