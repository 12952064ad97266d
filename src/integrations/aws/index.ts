/**
 * AWS service integrations: `aws-sdk:<service>:<action>` for any installed
 * `@aws-sdk/client-<service>`, and the optimized SQS, SNS, DynamoDB, EventBridge and ECS ones.
 * Settings: STEPWISE_AWS_ENDPOINT, STEPWISE_ENDPOINT_<SERVICE> (see settings.ts).
 */
import type { Integration } from '../../engine/ports.js';
import { AwsSdkIntegration } from './aws-sdk-integration.js';
import { OptimizedAwsIntegration } from './optimized.js';
import { ClientCache, awsSettingsFromEnv, type AwsSettings } from './settings.js';

export { awsSettingsFromEnv, type AwsSettings, type AwsCredentials } from './settings.js';
export { javaServiceName } from './errors.js';

export interface AwsIntegrations {
  integrations: Integration[];
  /** Closes the SDK clients' connections. */
  close(): void;
}

export function createAwsIntegrations(
  settings: Partial<AwsSettings> & { env?: Record<string, string | undefined> } = {},
): AwsIntegrations {
  const resolved = resolveAwsSettings(settings);
  const clients = new ClientCache(resolved);
  return {
    integrations: [new OptimizedAwsIntegration(clients, resolved), new AwsSdkIntegration(clients)],
    close: () => clients.destroy(),
  };
}

/** The settings given, over what the environment says (STEPWISE_AWS_ENDPOINT, STEPWISE_ENDPOINT_<SERVICE>). */
export function resolveAwsSettings(
  settings: Partial<AwsSettings> & { env?: Record<string, string | undefined> } = {},
): AwsSettings {
  const { env, ...overrides } = settings;
  const fromEnv = awsSettingsFromEnv(env ?? process.env);
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as Partial<AwsSettings>;
  return {
    ...fromEnv,
    ...given,
    endpoints: { ...fromEnv.endpoints, ...normaliseKeys(given.endpoints ?? {}) },
  };
}

/** Endpoint keys as the settings look them up: lower case, no dashes or underscores. */
function normaliseKeys(endpoints: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(endpoints).map(([service, url]) => [service.toLowerCase().replace(/[-_]/g, ''), url]),
  );
}
