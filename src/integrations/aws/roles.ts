/**
 * Whose credentials sign a Task's AWS calls.
 *
 * By default, the server's own (the SDK's credential chain, or those given in code), whatever the
 * state machine's `roleArn` or the Task's `Credentials.RoleArn` say: a local server usually has one
 * developer's credentials and no IAM to honour. Two opt-ins do what AWS does with the role:
 *
 * - `assume`: STS AssumeRole of the Task's `Credentials.RoleArn`, else of the execution's role,
 *   signed with the server's credentials, through the configured STS endpoint. The SDK client keeps
 *   the temporary credentials until they are about to expire.
 * - `profiles`: a map from role ARN to a named profile of the shared AWS config and credentials
 *   files (`*` for any other role), for teams that keep one profile per role and no STS.
 *
 * A role that cannot be assumed, or that has no profile, fails the Task (see `roleFailure`).
 */
import { readFileSync } from 'node:fs';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { parse as parseYaml } from 'yaml';
import type { Json } from '../../json.js';

/** A credentials provider as the SDK takes one (the type its own providers have). */
export type CredentialsProvider = ReturnType<typeof fromIni>;
type Credentials = Awaited<ReturnType<CredentialsProvider>>;

export type RoleMode =
  { kind: 'server' } | { kind: 'assume' } | { kind: 'profiles'; profiles: ReadonlyMap<string, string>; source: string };

export class RoleSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleSettingsError';
  }
}

/** The task's role: its own `Credentials.RoleArn`, else the execution's. */
export function taskRole(credentials: Json | undefined, executionRole: string | undefined): string | undefined {
  if (typeof credentials === 'object' && credentials !== null && !Array.isArray(credentials)) {
    const role = credentials.RoleArn;
    if (typeof role === 'string' && role !== '') return role;
  }
  return executionRole;
}

/** Reads a role-to-profile map (JSON or YAML: `{ "<role ARN>": "<profile>", "*": "<profile>" }`). */
export function loadRoleProfiles(path: string): Extract<RoleMode, { kind: 'profiles' }> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RoleSettingsError(`cannot read the role profiles file '${path}': ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text) as unknown;
  } catch (e) {
    throw new RoleSettingsError(`${path}: not JSON or YAML: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new RoleSettingsError(`${path}: expected an object mapping role ARNs (or "*") to profile names`);
  const profiles = new Map<string, string>();
  for (const [role, profile] of Object.entries(data)) {
    if (role !== '*' && !/^arn:[^:]+:iam::\d{12}:role\/.+$/.test(role))
      throw new RoleSettingsError(
        `${path}: '${role}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>) or "*"`,
      );
    if (typeof profile !== 'string' || profile === '')
      throw new RoleSettingsError(`${path}: the profile for '${role}' must be a profile name`);
    profiles.set(role, profile);
  }
  return { kind: 'profiles', profiles, source: path };
}

/** A role the mode cannot give credentials for: the Task fails with this cause. */
export class RoleUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleUnavailable';
  }
}

export interface RoleCredentialsOptions {
  mode: RoleMode;
  /** The server's credentials when given in code (else the SDK's chain). */
  credentials?: Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
  /** Where STS is (`STEPWISE_ENDPOINT_STS`, else the one AWS endpoint). */
  stsEndpoint?: string;
}

/**
 * The credentials for a role as the mode says: undefined for the server's own. The key names the
 * identity, so that clients signed as different roles are never shared.
 */
export function roleCredentials(
  options: RoleCredentialsOptions,
  role: string | undefined,
  region: string,
): { key: string; provider: CredentialsProvider } | undefined {
  const { mode } = options;
  switch (mode.kind) {
    case 'server':
      return undefined;
    case 'assume': {
      if (role === undefined) throw new RoleUnavailable('The execution has no role to assume');
      return {
        key: `assume:${role}`,
        provider: fromTemporaryCredentials({
          params: { RoleArn: role, RoleSessionName: 'stepwise', DurationSeconds: 3600 },
          ...(options.credentials ? { masterCredentials: options.credentials } : {}),
          clientConfig: { region, ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}) },
        }),
      };
    }
    case 'profiles': {
      const profile = (role !== undefined ? mode.profiles.get(role) : undefined) ?? mode.profiles.get('*');
      if (profile === undefined)
        throw new RoleUnavailable(`The role '${role ?? '(none)'}' has no profile in ${mode.source}`);
      return { key: `profile:${profile}`, provider: fromIni({ profile }) };
    }
  }
}
