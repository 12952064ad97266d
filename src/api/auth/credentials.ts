/**
 * The access keys a server accepts: a file (`--credentials` / STEPWISE_CREDENTIALS, a JSON or YAML
 * list of `{ accessKeyId, secretAccessKey, sessionToken?, name? }`) or one pair from
 * STEPWISE_ACCESS_KEY_ID + STEPWISE_SECRET_ACCESS_KEY (+ STEPWISE_SESSION_TOKEN). A pair with a
 * `sessionToken` is accepted only with that token; a pair without one only without a token.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests signed with this pair must carry this X-Amz-Security-Token (and no other). */
  sessionToken?: string;
  /** Who the pair belongs to, for logs and the console's header (default the access key id). */
  name?: string;
}

/** The configured keys by access key id. */
export class AccessKeys {
  private readonly byId = new Map<string, AccessKey>();

  constructor(keys: readonly AccessKey[]) {
    for (const key of keys) this.byId.set(key.accessKeyId, key);
  }

  get size(): number {
    return this.byId.size;
  }

  find(accessKeyId: string): AccessKey | undefined {
    return this.byId.get(accessKeyId);
  }
}

/** A credentials setting that cannot be used: the message names the file and what is wrong. */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

const ACCESS_KEY_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** Checks one entry of a credentials list (`where` says which, for the message). */
function accessKey(entry: unknown, where: string): AccessKey {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new CredentialsError(`${where}: expected an object with accessKeyId and secretAccessKey`);
  const record = entry as Record<string, unknown>;
  const { accessKeyId, secretAccessKey, sessionToken, name } = record;
  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId))
    throw new CredentialsError(`${where}: accessKeyId must be 1 to 128 letters, digits, '_', '.' or '-'`);
  if (typeof secretAccessKey !== 'string' || secretAccessKey.length < 8)
    throw new CredentialsError(`${where}: secretAccessKey must be a string of at least 8 characters`);
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === ''))
    throw new CredentialsError(`${where}: sessionToken, when given, must be a non-empty string`);
  if (name !== undefined && typeof name !== 'string') throw new CredentialsError(`${where}: name must be a string`);
  const unknown = Object.keys(record).filter(
    (key) => !['accessKeyId', 'secretAccessKey', 'sessionToken', 'name'].includes(key),
  );
  if (unknown.length > 0) throw new CredentialsError(`${where}: unknown field ${unknown.join(', ')}`);
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/** The keys listed in `text` (JSON or YAML: a list, or `{ credentials: [...] }`). */
export function parseCredentials(text: string, source: string): AccessKey[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new CredentialsError(
      `${source} is neither JSON nor YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const list =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'credentials' in parsed
      ? (parsed as { credentials: unknown }).credentials
      : parsed;
  if (!Array.isArray(list) || list.length === 0)
    throw new CredentialsError(`${source}: expected a non-empty list of { accessKeyId, secretAccessKey }`);
  const keys = list.map((entry, index) => accessKey(entry, `${source} entry ${index + 1}`));
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.accessKeyId))
      throw new CredentialsError(`${source}: access key ${key.accessKeyId} is listed twice`);
    seen.add(key.accessKeyId);
  }
  return keys;
}

/**
 * The keys from `file` if given, else from the environment (the file variable, then the one-pair
 * variables); empty when none is configured (the API is then open).
 */
export function loadAccessKeys(file: string | undefined, env: NodeJS.ProcessEnv = process.env): AccessKey[] {
  const path = file ?? (env.STEPWISE_CREDENTIALS || undefined);
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new CredentialsError(
        `cannot read the credentials file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return parseCredentials(text, `the credentials file ${path}`);
  }
  const accessKeyId = env.STEPWISE_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.STEPWISE_SECRET_ACCESS_KEY || undefined;
  if (accessKeyId === undefined && secretAccessKey === undefined) return [];
  if (accessKeyId === undefined || secretAccessKey === undefined)
    throw new CredentialsError('STEPWISE_ACCESS_KEY_ID and STEPWISE_SECRET_ACCESS_KEY must be set together');
  const sessionToken = env.STEPWISE_SESSION_TOKEN || undefined;
  return [
    accessKey(
      { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) },
      'STEPWISE_ACCESS_KEY_ID / STEPWISE_SECRET_ACCESS_KEY',
    ),
  ];
}
