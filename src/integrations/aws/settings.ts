/**
 * Where AWS calls go and how they are signed:
 *   STEPWISE_AWS_ENDPOINT            one endpoint for every service (e.g. LocalStack, http://127.0.0.1:4566)
 *   STEPWISE_ENDPOINT_<SERVICE>      one service's endpoint (STEPWISE_ENDPOINT_DYNAMODB, _S3, _SQS, _EVENTS...)
 * The region is the execution's (from its ARN); credentials come from the SDK's standard chain
 * (environment, shared config files, container and instance roles) unless given in code.
 */
import type { Json } from '../../json.js';
import { regionOf as arnRegion } from '../../vocabulary/arn.js';
import { roleCredentials, RoleUnavailable, taskRole, type CredentialsProvider, type RoleMode } from './roles.js';
import type { SdkClient, SdkModule } from './sdk.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsSettings {
  /** STEPWISE_AWS_ENDPOINT */
  endpoint?: string;
  /** STEPWISE_ENDPOINT_<SERVICE>, by lower-case service name. */
  endpoints: Record<string, string>;
  /** Instead of the SDK's credential chain (library use). */
  credentials?: AwsCredentials;
  /** How often `ecs:runTask.sync` asks ECS whether the task stopped (default 5 s). */
  ecsPollIntervalMs: number;
  /** Whose credentials sign a Task's calls (./roles.ts); default the server's own. */
  roles?: RoleMode;
}

/** What a Task says about the role its calls run as. */
export interface TaskRoles {
  /** The Task's evaluated `Credentials` field. */
  credentials?: Json;
  /** The execution's role. */
  roleArn?: string;
}

/** Temporary credentials are fetched again this long before they expire. */
const CREDENTIALS_REFRESH_MS = 5 * 60 * 1000;

export const DEFAULT_ECS_POLL_INTERVAL_MS = 5000;

export function awsSettingsFromEnv(env: Record<string, string | undefined>): AwsSettings {
  const endpoints: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^STEPWISE_ENDPOINT_([A-Z0-9_]+)$/.exec(key);
    if (match && value) endpoints[(match[1] as string).toLowerCase().replace(/_/g, '')] = value;
  }
  return {
    ...(env.STEPWISE_AWS_ENDPOINT ? { endpoint: env.STEPWISE_AWS_ENDPOINT } : {}),
    endpoints,
    ecsPollIntervalMs: DEFAULT_ECS_POLL_INTERVAL_MS,
  };
}

/** The endpoint for a service, asked by each of its names in turn (`events`, then `eventbridge`). */
export function endpointFor(settings: AwsSettings, names: string[]): string | undefined {
  for (const name of names) {
    const endpoint = settings.endpoints[name.toLowerCase().replace(/[-_]/g, '')];
    if (endpoint) return endpoint;
  }
  return settings.endpoint;
}

/** The region of `arn:aws:states:<region>:<account>:execution:...`. */
export function regionOf(executionArn: string): string {
  return arnRegion(executionArn) ?? 'us-east-1';
}

/** One client per package, region, endpoint and identity (the server's, or a role's). */
export class ClientCache {
  private readonly clients = new Map<string, SdkClient>();
  private readonly identities = new Map<string, CredentialsProvider>();

  constructor(private readonly settings: AwsSettings) {}

  /**
   * The client for a Task's call, signed as the role the settings say; a role whose credentials
   * cannot be had throws RoleUnavailable (the Task fails) before any call is made.
   */
  async forTask(mod: SdkModule, region: string, serviceNames: string[], task: TaskRoles): Promise<SdkClient> {
    const role = taskRole(task.credentials, task.roleArn);
    const identity = roleCredentials(
      {
        mode: this.settings.roles ?? { kind: 'server' },
        ...(this.settings.credentials ? { credentials: this.settings.credentials } : {}),
        ...(endpointFor(this.settings, ['sts']) !== undefined
          ? { stsEndpoint: endpointFor(this.settings, ['sts']) }
          : {}),
      },
      role,
      region,
    );
    if (!identity) return this.get(mod, region, serviceNames);
    const key = `${identity.key}|${region}`;
    let provider = this.identities.get(key);
    if (!provider) {
      provider = refreshing(identity.provider);
      this.identities.set(key, provider);
    }
    try {
      await provider();
    } catch (e) {
      throw new RoleUnavailable(`The role '${role}' could not be used: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.get(mod, region, serviceNames, { key, provider });
  }

  get(
    mod: SdkModule,
    region: string,
    serviceNames: string[],
    identity?: { key: string; provider: CredentialsProvider },
  ): SdkClient {
    const endpoint = endpointFor(this.settings, serviceNames);
    const key = `${mod.packageName}|${region}|${endpoint ?? ''}|${identity?.key ?? 'server'}`;
    let client = this.clients.get(key);
    if (!client) {
      const credentials = identity?.provider ?? this.settings.credentials;
      client = new mod.Client({
        region,
        ...(endpoint ? { endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        // Retries are the state machine's (Retry), as on AWS: one attempt per task attempt.
        maxAttempts: 1,
        ...(endpoint && mod.packageName === '@aws-sdk/client-s3'
          ? // S3-compatible servers answer path-style requests and may not know the newer checksums.
            {
              forcePathStyle: true,
              requestChecksumCalculation: 'WHEN_REQUIRED',
              responseChecksumValidation: 'WHEN_REQUIRED',
            }
          : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) (client as { destroy?: () => void }).destroy?.();
    this.clients.clear();
    this.identities.clear();
  }
}

/** Keeps a provider's credentials until shortly before they expire; a failure is not kept. */
function refreshing(provider: CredentialsProvider): CredentialsProvider {
  let cached: Awaited<ReturnType<CredentialsProvider>> | undefined;
  let pending: ReturnType<CredentialsProvider> | undefined;
  return async () => {
    const expiry = cached?.expiration?.getTime();
    if (cached && (expiry === undefined || expiry - Date.now() > CREDENTIALS_REFRESH_MS)) return cached;
    pending ??= provider().finally(() => (pending = undefined));
    cached = await pending;
    return cached;
  };
}
