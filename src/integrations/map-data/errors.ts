/**
 * The failures of the Distributed Map data plane: `States.ItemReaderFailed` and
 * `States.ResultWriterFailed`, with AWS's cause where AWS's wording is known (see each constant).
 */
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import { awsSdkError } from '../aws/errors.js';
import { S3_MODULE } from './s3-access.js';

export const ReaderCauses = {
  /** Recorded by LocalStack's parity tests and other emulators against AWS: an ItemsPointer (or the document) at a scalar. */
  nonIterable: 'Attempting to map over non-iterable node.',
  /** As emulators that replay AWS record it: an ItemsPointer that names nothing. */
  pointerNotFound: 'The provided ReaderConfig.ItemsPointer does not match any valid path in the JSON structure.',
  /** LocalStack's parity-tested text for repeated CSV headers. */
  duplicateHeaders: 'CSV headers cannot contain duplicates.',
} as const;

/** `States.ItemReaderFailed` with this cause. */
export function readerFailed(cause: string): StatesError {
  return new StatesError(StatesErrors.ItemReaderFailed, cause);
}

/** `States.ResultWriterFailed` with this cause. */
export function writerFailed(cause: string): StatesError {
  return new StatesError(StatesErrors.ResultWriterFailed, cause);
}

/**
 * An S3 call's failure as the cause Step Functions gives an `aws-sdk:s3:*` task
 * (`The specified key does not exist. (Service: S3, Status Code: 404, Request ID: ...)`).
 */
export function s3Cause(error: unknown): string {
  if (error instanceof StatesError) return error.cause;
  if (error instanceof Error && error.name === 'RoleUnavailable') return error.message;
  return awsSdkError(S3_MODULE, 'S3', error).cause;
}

/** Any failure inside a reader as States.ItemReaderFailed (a StatesError passes through). */
export function asReaderFailure(error: unknown): StatesError {
  if (error instanceof StatesError) return error;
  return readerFailed(s3Cause(error));
}

/** Any failure inside the writer as States.ResultWriterFailed. */
export function asWriterFailure(error: unknown): StatesError {
  if (error instanceof StatesError && error.error === StatesErrors.ResultWriterFailed) return error;
  if (error instanceof StatesError) return writerFailed(error.cause);
  return writerFailed(s3Cause(error));
}
