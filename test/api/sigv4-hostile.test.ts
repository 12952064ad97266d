/**
 * The SigV4 verifier on hostile input: any Authorization header, date, query string and header set
 * is refused with one of AWS's authentication errors, never a crash (property test, fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessKeys } from '../../src/api/auth/credentials.js';
import { formatAmzDate, verifySigV4 } from '../../src/api/auth/sigv4.js';
import { ApiError } from '../../src/api/errors.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const keys = new AccessKeys([{ accessKeyId: 'AKIDFUZZ', secretAccessKey: 'fuzz-secret-key' }]);
const AUTH_ERRORS = [
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
];

const token = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'AKIDFUZZ',
    'us-east-1',
    'states',
    'aws4_request',
    formatAmzDate(NOW).slice(0, 8),
    'host',
    '__proto__',
    'constructor',
  ),
);
const credential = fc.array(token, { maxLength: 7 }).map((parts) => parts.join('/'));
const authorization = fc.oneof(
  fc.string(),
  fc
    .tuple(credential, fc.array(token, { maxLength: 4 }), fc.string(), fc.constantFrom(',', ', ', ' ', ''))
    .map(
      ([cred, signed, signature, sep]) =>
        `AWS4-HMAC-SHA256 Credential=${cred}${sep}SignedHeaders=${signed.join(';')}${sep}Signature=${signature}`,
    ),
);
const date = fc.oneof(fc.string(), fc.constant(formatAmzDate(NOW)), fc.constant(formatAmzDate(NOW - 3_600_000)));
const url = fc.oneof(
  fc.constant('/'),
  fc.string().map((s) => `/?${s}`),
  fc
    .tuple(credential, fc.string(), fc.string(), date)
    .map(
      ([cred, expires, signature, amzDate]) =>
        `/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(cred)}&X-Amz-Date=${amzDate}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`,
    ),
);

describe('SigV4 verification on hostile input', () => {
  it('always answers with an authentication error, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(authorization, { nil: undefined }),
        fc.option(date, { nil: undefined }),
        url,
        fc.option(fc.string(), { nil: undefined }),
        async (auth, amzDate, requestUrl, sessionToken) => {
          const headers: Record<string, string> = { host: '127.0.0.1:8083' };
          if (auth !== undefined) headers.authorization = auth;
          if (amzDate !== undefined) headers['x-amz-date'] = amzDate;
          if (sessionToken !== undefined) headers['x-amz-security-token'] = sessionToken;
          const outcome = await verifySigV4(
            { method: 'POST', url: requestUrl, headers, body: Buffer.from('{}') },
            { keys, region: 'us-east-1', now: NOW },
          ).then(
            () => 'accepted',
            (error: unknown) => error,
          );
          expect(outcome).toBeInstanceOf(ApiError);
          expect(AUTH_ERRORS).toContain((outcome as ApiError).type);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
