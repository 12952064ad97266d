/**
 * Step Functions Local's settings, honoured by `stepwise serve` beside Stepwise's own, so that a
 * test suite written against `amazon/aws-stepfunctions-local` runs unchanged:
 *
 *   - its environment variables (AWS_ACCOUNT_ID, AWS_DEFAULT_REGION, WAIT_TIME_SCALE, the
 *     <SERVICE>_ENDPOINT overrides), each mapped onto the Stepwise setting that does the same;
 *   - its `aws-stepfunctions-local-credentials.txt`, which Docker hands the container with
 *     `--env-file`: `stepwise serve --env-file <file>` reads the same format.
 *
 * When both names of a setting are set, Stepwise's wins; the caller logs the ones that differ.
 * (SFN_MOCK_CONFIG needs no mapping: it is already the variable of `--mock-config`.)
 */
import { readTextFile, UsageError } from './common.js';

/** One Step Functions Local variable (and its spellings) and the Stepwise setting it stands for. */
export interface SfnLocalVariable {
  /** Step Functions Local's names, the documented one first. */
  names: readonly string[];
  /** The Stepwise variable that does the same. */
  stepwise: string;
}

/**
 * The Step Functions Local variables (AWS's "Setting configuration options for Step Functions
 * Local"). SageMaker's is spelled SAGE_MAKER_ENDPOINT in AWS's table and SAGEMAKER_ENDPOINT by
 * many users: both are read. STEP_FUNCTIONS_ENDPOINT is for `aws-sdk:sfn:*` calls; nested
 * `states:startExecution` executions always run on this server.
 */
export const SFN_LOCAL_VARIABLES: readonly SfnLocalVariable[] = [
  { names: ['AWS_ACCOUNT_ID'], stepwise: 'STEPWISE_ACCOUNT_ID' },
  { names: ['AWS_DEFAULT_REGION'], stepwise: 'STEPWISE_REGION' },
  { names: ['WAIT_TIME_SCALE'], stepwise: 'STEPWISE_WAIT_TIME_SCALE' },
  { names: ['LAMBDA_ENDPOINT'], stepwise: 'STEPWISE_LAMBDA_ENDPOINT' },
  { names: ['BATCH_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_BATCH' },
  { names: ['DYNAMODB_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_DYNAMODB' },
  { names: ['ECS_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_ECS' },
  { names: ['GLUE_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_GLUE' },
  { names: ['SAGE_MAKER_ENDPOINT', 'SAGEMAKER_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_SAGEMAKER' },
  { names: ['SQS_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_SQS' },
  { names: ['SNS_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_SNS' },
  { names: ['STEP_FUNCTIONS_ENDPOINT'], stepwise: 'STEPWISE_ENDPOINT_SFN' },
];

/** A Stepwise setting's value and where it came from (a flag, or the variable's name). */
export interface GivenValue {
  value: string;
  from: string;
}

/** Both names of one setting were set, to different values: Stepwise's was used. */
export interface SettingConflict {
  stepwise: GivenValue;
  sfnLocal: GivenValue;
}

export interface SfnLocalResolution {
  /** Every mapped Stepwise setting that has a value, by Stepwise variable name. */
  values: Map<string, GivenValue>;
  /** The Stepwise variables whose value came from Step Functions Local's name. */
  adopted: Set<string>;
  conflicts: SettingConflict[];
}

type Env = Record<string, string | undefined>;

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * Resolves each mapped setting: Stepwise's value (from `given`, a flag or its variable, else
 * `env`) wins; else Step Functions Local's variable supplies it.
 */
export function resolveSfnLocalSettings(
  env: Env,
  given: Record<string, GivenValue | undefined> = {},
): SfnLocalResolution {
  const values = new Map<string, GivenValue>();
  const adopted = new Set<string>();
  const conflicts: SettingConflict[] = [];
  for (const variable of SFN_LOCAL_VARIABLES) {
    const own = given[variable.stepwise];
    const envValue = env[variable.stepwise];
    const stepwise: GivenValue | undefined =
      own ?? (present(envValue) ? { value: envValue, from: variable.stepwise } : undefined);
    const name = variable.names.find((n) => present(env[n]));
    const sfnLocal: GivenValue | undefined =
      name !== undefined ? { value: env[name] as string, from: name } : undefined;
    if (stepwise !== undefined) {
      values.set(variable.stepwise, stepwise);
      if (sfnLocal !== undefined && sfnLocal.value.trim() !== stepwise.value.trim())
        conflicts.push({ stepwise, sfnLocal });
    } else if (sfnLocal !== undefined) {
      values.set(variable.stepwise, sfnLocal);
      adopted.add(variable.stepwise);
    }
  }
  return { values, adopted, conflicts };
}

/** The service key of a STEPWISE_ENDPOINT_<SERVICE> variable (`STEPWISE_ENDPOINT_SFN` → `sfn`). */
export function endpointService(stepwiseVariable: string): string | undefined {
  const match = /^STEPWISE_ENDPOINT_([A-Z0-9_]+)$/.exec(stepwiseVariable);
  return match ? (match[1] as string).toLowerCase().replace(/_/g, '') : undefined;
}

/**
 * Parses a Docker env file, the format of `aws-stepfunctions-local-credentials.txt`: one
 * `NAME=value` a line, the value taken literally (quotes and spaces kept, as Docker does); blank
 * lines and lines starting with `#` skipped; a bare `NAME` takes the value `hostEnv` has, if any.
 */
export function parseEnvFile(text: string, file: string, hostEnv: Env = {}): Record<string, string> {
  const variables: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    // A file saved on Windows ends its lines in CRLF: the CR is no part of the value.
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const equals = line.indexOf('=');
    const name = equals === -1 ? line.trimEnd() : line.slice(0, equals);
    if (name === '' || /\s/.test(name))
      throw new UsageError(
        `${file}:${index + 1}: expected NAME=value, not '${raw.trim()}' (a variable name has no spaces)`,
      );
    if (equals !== -1) variables[name] = line.slice(equals + 1);
    else if (hostEnv[name] !== undefined) variables[name] = hostEnv[name];
  });
  return variables;
}

/** Reads an env file (`--env-file`); an unreadable or malformed one is a one-line UsageError. */
export async function readEnvFile(file: string, hostEnv: Env = {}): Promise<Record<string, string>> {
  return parseEnvFile(await readTextFile(file, 'env file'), file, hostEnv);
}

/** An AWS account id: twelve digits, as ARNs need. */
export function parseAccountId(given: GivenValue): string {
  const value = given.value.trim();
  if (!/^[0-9]{12}$/.test(value))
    throw new UsageError(`invalid ${given.from} '${given.value}': an AWS account id is 12 digits`);
  return value;
}

/** A region name as ARNs carry it (`us-east-1`, `cn-north-1`): lower-case letters, digits, dashes. */
export function parseRegion(given: GivenValue): string {
  const value = given.value.trim();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(value))
    throw new UsageError(`invalid ${given.from} '${given.value}': expected a region name such as us-east-1`);
  return value;
}

/** A wait time scale: a number from 0 up (0: Wait states end at once). */
export function parseScale(given: GivenValue): number {
  const scale = Number(given.value);
  if (given.value.trim() === '' || !Number.isFinite(scale) || scale < 0)
    throw new UsageError(`invalid ${given.from} '${given.value}': expected a number from 0 up (0 makes waits instant)`);
  return scale;
}

/** An endpoint: an http:// or https:// URL. */
export function parseEndpoint(given: GivenValue): string {
  const value = given.value.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new UsageError(
      `invalid ${given.from} '${given.value}': expected an http:// or https:// URL such as http://127.0.0.1:4566`,
    );
  return value;
}
