/**
 * Access at start: the keys from the settings (a file, the environment, or given), the host names,
 * and the refusal to listen beyond loopback with no keys unless explicitly allowed. Without keys
 * the server logs one warning that the API is open.
 */
import type { Logger } from 'pino';
import { isLoopbackHost, parseHostNames } from '../host-check.js';
import type { AccessOptions } from './access.js';
import { CredentialsError, loadAccessKeys, type AccessKey } from './credentials.js';

export interface AccessSettings {
  /** A credentials file (JSON or YAML list of { accessKeyId, secretAccessKey, sessionToken?, name? }); else STEPWISE_CREDENTIALS. */
  credentials?: string;
  /** The keys themselves (instead of a file or the environment). */
  accessKeys?: AccessKey[];
  /** More host names to answer for (else STEPWISE_ALLOWED_HOST_NAMES, comma-separated). */
  allowedHostNames?: string[];
  /** Listen beyond loopback with no keys (else STEPWISE_ALLOW_UNAUTHENTICATED=1). */
  allowUnauthenticated?: boolean;
}

/** The access options for the API server; throws CredentialsError for a setting that cannot be used. */
export function resolveAccess(
  settings: AccessSettings,
  host: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): AccessOptions {
  const keys = settings.accessKeys ?? loadAccessKeys(settings.credentials, env);
  const hostNames = settings.allowedHostNames ?? parseHostNames(env.STEPWISE_ALLOWED_HOST_NAMES);
  const allowUnauthenticated =
    settings.allowUnauthenticated ??
    ['1', 'true', 'yes'].includes((env.STEPWISE_ALLOW_UNAUTHENTICATED ?? '').toLowerCase());
  if (keys.length === 0) {
    if (!isLoopbackHost(host) && !allowUnauthenticated)
      throw new CredentialsError(
        `refusing to listen on ${host} with no credentials: anyone who can reach this address could run, stop and read every ` +
          `execution; configure access keys (--credentials <file>, or STEPWISE_ACCESS_KEY_ID and STEPWISE_SECRET_ACCESS_KEY), ` +
          `or pass --allow-unauthenticated to accept that`,
      );
    log.warn(
      { host },
      'the API and console are open: no credentials are configured, so requests are not authenticated (see --credentials)',
    );
  } else {
    log.info({ keys: keys.length }, 'requests must be signed (SigV4) with one of the configured access keys');
  }
  return { keys, hostNames };
}
