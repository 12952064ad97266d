/**
 * How Task resources run, wired from the server's settings: Step Functions Local's mocks first,
 * then the integrations (activities, nested executions, local functions or a Lambda endpoint, HTTP
 * Tasks with their connections, the AWS services). `stepwise serve` (server.ts) and `stepwise run`
 * (cli/run.ts) both build theirs here, so a flow runs the same way in either.
 */
import type { Logger } from 'pino';
import type { IntegrationRegistry } from './engine/integration-registry.js';
import { addIntegrations, type IntegrationOptions } from './integrations/index.js';
import { loadMockConfig, MockIntegration } from './integrations/mocks/index.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from './defaults.js';

/** The settings of `ServerOptions` that decide how tasks run. */
export interface IntegrationSettings {
  logger?: Logger;
  region?: string;
  accountId?: string;
  /** HTTP Tasks: the connections file (JSON or YAML; else STEPWISE_CONNECTIONS). */
  connections?: string;
  /** HTTP Tasks: hosts they may call (else STEPWISE_HTTP_ALLOWED_HOSTS). */
  httpAllowedHosts?: string[];
  /** HTTP Tasks: a connection is used only with the endpoints it lists (a server that requires credentials). */
  requireConnectionEndpoints?: boolean;
  /**
   * AWS integrations: endpoints (else STEPWISE_AWS_ENDPOINT, STEPWISE_ENDPOINT_<SERVICE>) and whose
   * credentials sign the calls (default the process's own).
   */
  aws?: IntegrationOptions['aws'];
  /** Local functions for Lambda resources (else STEPWISE_FUNCTIONS_DIR; default ./functions). */
  functionsDir?: string;
  /** Forward Lambda invocations to this endpoint (else STEPWISE_LAMBDA_ENDPOINT). */
  lambdaEndpoint?: string;
}

/** What only a server has: its activity queue and the engine nested executions run on. */
export type ServerParts = Pick<IntegrationOptions, 'activities' | 'executions'>;

/**
 * Step Functions Local's MockConfigFile.json, read and checked now (a bad file throws
 * MockConfigError before anything runs); none without a file.
 */
export function loadMocks(file: string | undefined): MockIntegration | undefined {
  return file !== undefined ? new MockIntegration(loadMockConfig(file)) : undefined;
}

/**
 * Appends the integrations to `registry` (after whatever the engine put first: the mocks, test
 * handlers). A connections file that cannot be read or parsed throws ConnectionsConfigError.
 */
export function addConfiguredIntegrations(
  registry: IntegrationRegistry,
  settings: IntegrationSettings,
  parts: ServerParts = {},
): IntegrationRegistry {
  const region = settings.region ?? DEFAULT_REGION;
  return addIntegrations(registry, {
    ...(settings.logger ? { logger: settings.logger } : {}),
    http: {
      ...(settings.connections !== undefined ? { connectionsFile: settings.connections } : {}),
      ...(settings.httpAllowedHosts !== undefined ? { allowedHosts: settings.httpAllowedHosts } : {}),
      ...(settings.requireConnectionEndpoints ? { requireConnectionEndpoints: true } : {}),
      region,
    },
    ...(settings.aws !== undefined ? { aws: settings.aws } : {}),
    ...parts,
    lambda: {
      ...(settings.functionsDir !== undefined ? { functionsDir: settings.functionsDir } : {}),
      ...(settings.lambdaEndpoint !== undefined ? { endpoint: settings.lambdaEndpoint } : {}),
      region,
      accountId: settings.accountId ?? DEFAULT_ACCOUNT_ID,
    },
  });
}
