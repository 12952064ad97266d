/** Task Resource ARNs: the aws-sdk form with a region and account, as deployed machines have it. */
import { describe, expect, it } from 'vitest';
import { parseResource, parseResourceArn } from '../../src/vocabulary/resource.js';

describe('aws-sdk resource ARNs', () => {
  it('are recognised with or without a region and account', () => {
    for (const arn of [
      'arn:aws:states:::aws-sdk:s3:getObject',
      'arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject',
    ]) {
      expect(parseResourceArn(arn), arn).toEqual({
        kind: 'aws-sdk',
        service: 's3',
        action: 'getObject',
        pattern: 'request-response',
      });
      expect(parseResource(arn), arn).toMatchObject({ kind: 'aws-sdk', service: 's3', action: 'getObject' });
    }
  });

  it('still need both the region and the account, or neither', () => {
    for (const arn of [
      'arn:aws:states::aws-sdk:s3:getObject',
      'arn:aws:states:us-east-1::aws-sdk:s3:getObject',
      'arn:aws:states::123456789012:aws-sdk:s3:getObject',
    ])
      expect(parseResourceArn(arn), arn).toBeUndefined();
  });
});
