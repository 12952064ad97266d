/**
 * The S3 clients the Distributed Map data plane reads and writes with, built as `aws-sdk:*` tasks
 * build theirs (../aws/settings.ts): STEPWISE_AWS_ENDPOINT or STEPWISE_ENDPOINT_S3, the region of the
 * execution's ARN, the server's credentials or the role the settings say to sign as.
 */
import * as s3 from '@aws-sdk/client-s3';
import type { Json } from '../../json.js';
import { ClientCache, regionOf, type AwsSettings } from '../aws/settings.js';
import type { SdkModule } from '../aws/sdk.js';

/** Whose identity and which region sign the reads and writes of one Map Run. */
export interface S3Context {
  /** The execution that runs the Map state: its region is the client's region. */
  executionArn: string;
  /** The execution's role (see ../aws/roles.ts: used when the settings say to assume roles). */
  roleArn?: string;
  /** A `Credentials` field, as a Task has one (`{ "RoleArn": ... }`). */
  credentials?: Json;
}

/** Hands out S3 clients for a Map Run's context. */
export interface S3Access {
  /** The client for this context; throws (RoleUnavailable) when the role cannot be had. */
  client(ctx: S3Context): Promise<s3.S3Client>;
}

/** The loaded @aws-sdk/client-s3 as ClientCache takes a package. */
export const S3_MODULE: SdkModule = {
  packageName: '@aws-sdk/client-s3',
  exports: s3 as unknown as Record<string, unknown>,
  Client: s3.S3Client as unknown as SdkModule['Client'],
};

/** S3 access from the server's AWS settings; `close()` destroys the clients it made. */
export function createS3Access(settings: AwsSettings): S3Access & { close(): void } {
  const cache = new ClientCache(settings);
  return {
    async client(ctx) {
      const client = await cache.forTask(S3_MODULE, regionOf(ctx.executionArn), ['s3'], {
        ...(ctx.credentials !== undefined ? { credentials: ctx.credentials } : {}),
        ...(ctx.roleArn !== undefined ? { roleArn: ctx.roleArn } : {}),
      });
      return client as unknown as s3.S3Client;
    },
    close: () => cache.destroy(),
  };
}
