/**
 * Request structures shared by several operations: logging and tracing configuration, tags and
 * definitions, with AWS's validation rules and messages.
 */
import { jsonEquals, type Json } from '../json.js';
import type { EncryptionConfiguration, LoggingConfiguration } from '../store/types.js';
import type { StateMachineType } from '../interpreter/types.js';
import { loadDefinition } from '../interpreter/load.js';
import { ApiError } from './errors.js';
import type { Request } from './request.js';

export const LogLevels = ['ALL', 'ERROR', 'FATAL', 'OFF'] as const;
export const StateMachineTypes = ['STANDARD', 'EXPRESS'] as const satisfies readonly StateMachineType[];

export const defaultLogging: LoggingConfiguration = { level: 'OFF', includeExecutionData: false };

/** Reads `loggingConfiguration`; call `checkLogging` after `request.check()`. */
export function readLogging(request: Request): LoggingConfiguration | undefined {
  const value = request.object('loggingConfiguration');
  if (value === undefined) return undefined;
  const nested = request.nested(value, 'loggingConfiguration');
  const destinations = nested.array('destinations');
  return {
    level: nested.enumValue('level', LogLevels) ?? 'OFF',
    includeExecutionData: nested.boolean('includeExecutionData') ?? false,
    ...(destinations !== undefined ? { destinations } : {}),
  };
}

export function checkLogging(logging: LoggingConfiguration): void {
  const count = logging.destinations?.length ?? 0;
  if (count > 1 || (logging.level !== 'OFF' && count === 0)) {
    throw new ApiError(
      'InvalidLoggingConfiguration',
      'Invalid Logging Configuration: Must specify exactly one Log Destination.',
    );
  }
}

export function readTracing(request: Request): { enabled: boolean } | undefined {
  const value = request.object('tracingConfiguration');
  if (value === undefined) return undefined;
  return { enabled: request.nested(value, 'tracingConfiguration').boolean('enabled') ?? false };
}

/**
 * An IAM role ARN, `arn:<partition>:iam::<account>:role/[<path>/]<name>`. AWS answers anything else
 * (a bare word, an S3 ARN, a policy ARN) with InvalidArn "Invalid Role Arn: '<text>'" — the wording
 * seen from the real service; the API reference names the error (InvalidArn) but not its message.
 * Role names are 1–64 characters of letters, digits and `+=,.@_-` (IAM's rule).
 */
const roleArnPattern = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export function checkRoleArn(roleArn: string): void {
  if (!roleArnPattern.test(roleArn)) throw new ApiError('InvalidArn', `Invalid Role Arn: '${roleArn}'`);
}

export const EncryptionTypes = ['AWS_OWNED_KEY', 'CUSTOMER_MANAGED_KMS_KEY'] as const;

/** What Describe* answer for a machine or activity created without one (AWS's default). */
export const defaultEncryption: EncryptionConfiguration = { type: 'AWS_OWNED_KEY' };

/**
 * Reads `encryptionConfiguration` (API reference, EncryptionConfiguration): `type` required, one of
 * AWS_OWNED_KEY and CUSTOMER_MANAGED_KMS_KEY; `kmsKeyId` 1–2048 characters;
 * `kmsDataKeyReusePeriodSeconds` 60–900. Shape violations are ValidationExceptions; call
 * `checkEncryption` after `request.check()` for the rules between the fields.
 */
export function readEncryption(request: Request): EncryptionConfiguration | undefined {
  const value = request.object('encryptionConfiguration');
  if (value === undefined) return undefined;
  const nested = request.nested(value, 'encryptionConfiguration');
  const type =
    nested.enumValue('type', EncryptionTypes) ??
    (value.type === undefined || value.type === null ? nested.notNull('type', 'AWS_OWNED_KEY') : 'AWS_OWNED_KEY');
  const kmsKeyId = nested.string('kmsKeyId', { min: 1, max: 2048 });
  const reuse = nested.integer('kmsDataKeyReusePeriodSeconds', { min: 60, max: 900 });
  return {
    type,
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    ...(reuse !== undefined ? { kmsDataKeyReusePeriodSeconds: reuse } : {}),
  };
}

/**
 * A customer managed key needs its key: CUSTOMER_MANAGED_KMS_KEY without `kmsKeyId` is
 * InvalidEncryptionConfiguration. The API reference names the error; its message is not documented,
 * so this one says what is missing. (Stepwise keeps the configuration and encrypts nothing with it.)
 */
export function checkEncryption(encryption: EncryptionConfiguration): void {
  if (encryption.type === 'CUSTOMER_MANAGED_KMS_KEY' && encryption.kmsKeyId === undefined) {
    throw new ApiError(
      'InvalidEncryptionConfiguration',
      'Invalid Encryption Configuration: kmsKeyId is required when the type is CUSTOMER_MANAGED_KMS_KEY',
    );
  }
}

export interface Tag {
  key: string;
  value: string;
}

/** Reads a `tags` list of `{key, value}` (keys 1–128, values 0–256 characters, at most 50 tags). */
export function readTags(request: Request, member = 'tags'): Tag[] | undefined {
  const items = request.array(member);
  if (items === undefined) return undefined;
  return items.map((item, i) => {
    const tag = request.nested(item, `${member}.${i + 1}.member`);
    return { key: tag.requiredString('key', { min: 1, max: 128 }), value: tag.string('value', { max: 256 }) ?? '' };
  });
}

export function checkTagCount(arn: string, tags: Record<string, string>): void {
  if (Object.keys(tags).length > 50) {
    throw new ApiError('TooManyTags', `Too many tags: '${arn}'`, { resourceName: arn });
  }
}

/**
 * Throws InvalidDefinition with AWS's wording when the definition (JSON or YAML text) does not
 * load for `type`: what this accepts, an execution can run.
 */
export function checkDefinition(definition: string, type: StateMachineType): void {
  const loaded = loadDefinition(definition, { stateMachineType: type });
  if (!loaded.ok) throw new ApiError('InvalidDefinition', loaded.message);
}

/**
 * Two configurations are the same when their JSON is (CreateStateMachine's idempotency check),
 * whatever the order of keys (PostgreSQL's JSONB keeps its own).
 */
export function sameConfiguration(a: Json | object | undefined, b: Json | object | undefined): boolean {
  return jsonEquals(JSON.parse(JSON.stringify(a ?? null)) as Json, JSON.parse(JSON.stringify(b ?? null)) as Json);
}
