/**
 * Error names and causes as Step Functions reports AWS errors. Two styles, as recorded on AWS:
 *
 * AWS SDK integrations (`aws-sdk:<service>:<action>`): `<Service>.<Exception>` with the service in
 * PascalCase as the AWS SDK for Java 2.x spells it (DynamoDb, S3, Sqs, Sfn, AcmPca) and the
 * exception always ending in `Exception` (S3's NoSuchKey → `S3.NoSuchKeyException`); an error the
 * service does not model is `<Service>.<Service>Exception` (`DynamoDb.DynamoDbException`). Cause:
 *   `Requested resource not found (Service: DynamoDb, Status Code: 400, Request ID: ...)`
 *
 * Optimized integrations (`dynamodb:putItem`, `sqs:sendMessage`...): `DynamoDB.<Exception>`,
 * `SQS.<Exception>`, unmodeled ones `DynamoDB.AmazonDynamoDBException`; cause:
 *   `... (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: ...; Proxy: null)`
 *
 * A request that never got a response is `<Service>.SdkClientException`,
 * `Unable to execute HTTP request: <reason>`.
 */
import type { SdkModule } from './sdk.js';

export interface TaskError {
  error: string;
  cause: string;
}

/** How an optimized integration names its errors. */
export interface OptimizedNaming {
  /** `DynamoDB` in `DynamoDB.ConditionalCheckFailedException`. */
  prefix: string;
  /** `AmazonDynamoDBv2` in the cause's `(Service: ...)`. */
  serviceName: string;
  /** The name of an error the service does not model: `AmazonDynamoDBException`. */
  unmodeled: string;
}

interface ServiceError {
  name: string;
  message: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
}

function serviceError(error: unknown): ServiceError | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & Partial<ServiceError>;
  if (
    candidate.$metadata?.httpStatusCode === undefined ||
    (candidate.$fault !== 'client' && candidate.$fault !== 'server')
  )
    return undefined;
  return candidate as ServiceError;
}

/** Whether the package models this error (exports a class of that name the error is an instance of). */
function isModeled(mod: SdkModule, error: ServiceError): boolean {
  const modeled = mod.exports[error.name];
  return (
    typeof modeled === 'function' &&
    error instanceof (modeled as new () => unknown) &&
    !/ServiceException$/.test(error.name)
  );
}

function withExceptionSuffix(name: string): string {
  return name.endsWith('Exception') ? name : `${name}Exception`;
}

/** `DynamoDB` → `DynamoDb`, `ACM PCA` → `AcmPca`, `SFN` → `Sfn`: the AWS SDK for Java 2.x's service names. */
export function javaServiceName(serviceId: string): string {
  const words = serviceId
    .split(/[\s_-]+/)
    .flatMap((part) => part.match(/[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+/g) ?? []);
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()).join('');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error of an `aws-sdk:` task. */
export function awsSdkError(mod: SdkModule, serviceId: string, error: unknown): TaskError {
  const prefix = javaServiceName(serviceId);
  const failure = serviceError(error);
  if (!failure)
    return { error: `${prefix}.SdkClientException`, cause: `Unable to execute HTTP request: ${message(error)}` };
  const name = isModeled(mod, failure) ? withExceptionSuffix(failure.name) : `${prefix}Exception`;
  const meta = failure.$metadata ?? {};
  const extended = meta.extendedRequestId !== undefined ? `, Extended Request ID: ${meta.extendedRequestId}` : '';
  return {
    error: `${prefix}.${name}`,
    cause: `${failure.message} (Service: ${prefix}, Status Code: ${meta.httpStatusCode}, Request ID: ${meta.requestId ?? 'null'}${extended})`,
  };
}

/** An error of an optimized integration's task. */
export function optimizedError(mod: SdkModule, naming: OptimizedNaming, error: unknown): TaskError {
  const failure = serviceError(error);
  if (!failure)
    return { error: `${naming.prefix}.SdkClientException`, cause: `Unable to execute HTTP request: ${message(error)}` };
  const name = isModeled(mod, failure) ? withExceptionSuffix(failure.name) : naming.unmodeled;
  const meta = failure.$metadata ?? {};
  return {
    error: `${naming.prefix}.${name}`,
    cause: `${failure.message} (Service: ${naming.serviceName}; Status Code: ${meta.httpStatusCode}; Error Code: ${failure.name}; Request ID: ${meta.requestId ?? 'null'}; Proxy: null)`,
  };
}
