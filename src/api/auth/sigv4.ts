/**
 * AWS Signature Version 4 verification of an API request, as AWS does it: the signature from the
 * Authorization header or from the query string (a presigned request), recomputed with the SDK's
 * own signer (@smithy/signature-v4) over the request as received (the Host header included, so a
 * client that signed for `sync-<host>` is checked against that) and compared in constant time.
 *
 * Errors are AWS's: no signature at all is MissingAuthenticationTokenException, a malformed one
 * IncompleteSignatureException, an unknown access key (or a session token the pair was not
 * configured with) UnrecognizedClientException, a wrong signature, a wrong scope or a date more than
 * five minutes off InvalidSignatureException.
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

/** The signer's request type (from @smithy/types, reached through the signer's own signature). */
type HttpRequest = Parameters<SignatureV4['presign']>[0];
type SourceData = string | ArrayBuffer | ArrayBufferView;
import { ApiError } from '../errors.js';
import type { AccessKey, AccessKeys } from './credentials.js';

/** The service name in the credential scope. */
export const SIGNING_SERVICE = 'states';
/** How far a request's date may be from the server's clock (AWS: 5 minutes). */
export const MAX_SKEW_MS = 5 * 60 * 1000;
const MAX_PRESIGNED_EXPIRES_S = 7 * 24 * 60 * 60;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** The request as received: method, the raw URL (path and query), headers, and the body's bytes. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array | undefined;
}

export interface VerifyOptions {
  keys: AccessKeys;
  /** The region the credential scope must name (the server's). */
  region: string;
  /** Epoch milliseconds. */
  now: number;
}

/** SHA-256 (and HMAC-SHA256 when given a secret) for the signer, on node's crypto. */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function bytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The part of a signature that says who signed, when, and for what. */
interface Signature {
  kind: 'header' | 'query';
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Security-Token, from the header or the query. */
  sessionToken: string | undefined;
  /** Presigned requests: X-Amz-Expires in seconds. */
  expiresS?: number;
  /** Header signatures: whether the token header is among the signed ones. */
  tokenSigned: boolean;
}

/** The access key that signed `request`, or an ApiError saying why it is refused. */
export async function verifySigV4(request: SignedRequest, options: VerifyOptions): Promise<AccessKey> {
  const { path, query } = splitUrl(request.url);
  const signature = readSignature(request, query);
  const signedAt = parseAmzDate(signature.amzDate);
  checkDate(signature, signedAt, options.now);
  checkScope(signature, options.region);
  const key = options.keys.find(signature.accessKeyId);
  if (key === undefined) throw new ApiError('UnrecognizedClientException', INVALID_TOKEN);
  checkSessionToken(key, signature.sessionToken);

  const headers = Object.create(null) as Record<string, string>;
  for (const name of signature.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined)
      throw new ApiError(
        'IncompleteSignatureException',
        `'${name}' is named as a SignedHeader, but it does not exist in the HTTP request.`,
      );
    headers[name] = value;
  }
  const bodyHash = request.body === undefined || request.body.length === 0 ? EMPTY_SHA256 : sha256Hex(request.body);
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== bodyHash)
    throw new ApiError(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );

  const credentials = {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    // The signer adds the token itself (as a header, or to the query) when the client signed it.
    ...(signature.sessionToken !== undefined && (signature.kind === 'query' || signature.tokenSigned)
      ? { sessionToken: signature.sessionToken }
      : {}),
  };
  const signer = new SignatureV4({
    credentials,
    region: options.region,
    service: SIGNING_SERVICE,
    sha256: NodeSha256,
    // Only what the client signed: x-amz-content-sha256 is among the signed headers when it sent one.
    applyChecksum: false,
  });
  const signingDate = new Date(signedAt);
  const signable: HttpRequest = {
    method: request.method.toUpperCase(),
    protocol: 'http:',
    hostname: headers.host ?? '',
    path,
    query: {},
    headers: {},
    body: request.body ?? '',
  };
  let expected: string | undefined;
  if (signature.kind === 'header') {
    for (const [name, value] of Object.entries(headers))
      if (name !== 'x-amz-date' && name !== 'x-amz-security-token') signable.headers[name] = value;
    signable.query = withoutParams(query, []);
    const signed = await signer.sign(signable, {
      signingDate,
      signableHeaders: new Set(signature.signedHeaders),
    });
    expected = /Signature=([0-9a-f]+)/.exec(signed.headers.authorization ?? '')?.[1];
  } else {
    signable.headers = { ...headers };
    signable.query = withoutParams(query, [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
      'X-Amz-Security-Token',
    ]);
    // The headers the client signed stay headers; a presigned payload may be UNSIGNED-PAYLOAD
    // (botocore's presigned URLs) or the body's hash (the SDK's presigner).
    const unhoistableHeaders = new Set(Object.keys(headers));
    const presignOptions = {
      signingDate,
      expiresIn: signature.expiresS ?? 0,
      signableHeaders: new Set(signature.signedHeaders),
      unhoistableHeaders,
    };
    for (const payload of [undefined, UNSIGNED_PAYLOAD]) {
      const attempt: HttpRequest =
        payload === undefined
          ? signable
          : { ...signable, headers: { ...signable.headers, 'x-amz-content-sha256': payload } };
      const signed = await signer.presign(attempt, {
        ...presignOptions,
        unsignableHeaders: new Set(payload === undefined ? [] : ['x-amz-content-sha256']),
      });
      const candidate = signed.query?.['X-Amz-Signature'];
      if (typeof candidate === 'string' && sameText(candidate, signature.signature)) return key;
      expected = undefined;
    }
  }
  if (expected === undefined || !sameText(expected, signature.signature))
    throw new ApiError('InvalidSignatureException', SIGNATURE_MISMATCH);
  return key;
}

/** True when the request carries a signature of either kind (or tries to). */
export function hasSignature(url: string, headers: IncomingHttpHeaders): boolean {
  if (headerValue(headers, 'authorization') !== undefined) return true;
  const mark = url.indexOf('?');
  return mark >= 0 && /(?:^|&)X-Amz-(?:Signature|Credential|Algorithm)=/.test(url.slice(mark + 1));
}

function readSignature(request: SignedRequest, query: [string, string][]): Signature {
  const authorization = headerValue(request.headers, 'authorization');
  const param = (name: string) => query.find(([key]) => key === name)?.[1];
  if (authorization !== undefined) return readHeaderSignature(authorization, request.headers);
  if (param('X-Amz-Algorithm') !== undefined || param('X-Amz-Signature') !== undefined)
    return readQuerySignature(param);
  throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
}

function readHeaderSignature(authorization: string, headers: IncomingHttpHeaders): Signature {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  const fields = new Map<string, string>();
  const problems: string[] = [];
  if (algorithm === ALGORITHM) {
    for (const part of authorization.slice(space + 1).split(',')) {
      const text = part.trim();
      if (text === '') continue;
      const equals = text.indexOf('=');
      if (equals < 0)
        throw new ApiError(
          'IncompleteSignatureException',
          `'${text}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
        );
      fields.set(text.slice(0, equals), text.slice(equals + 1));
    }
  } else if (algorithm.startsWith('AWS4-')) {
    throw new ApiError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${algorithm}'`);
  }
  for (const name of ['Credential', 'Signature', 'SignedHeaders'])
    if (!fields.get(name)) problems.push(`Authorization header requires '${name}' parameter.`);
  const amzDate = headerValue(headers, 'x-amz-date');
  if (amzDate === undefined) problems.push("Authorization header requires existence of a 'X-Amz-Date' header.");
  if (problems.length > 0)
    throw new ApiError('IncompleteSignatureException', `${problems.join(' ')} Authorization=${authorization}`);
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';');
  const sessionToken = headerValue(headers, 'x-amz-security-token');
  return {
    kind: 'header',
    ...readCredential(fields.get('Credential') ?? ''),
    amzDate: amzDate ?? '',
    signedHeaders,
    signature: fields.get('Signature') ?? '',
    sessionToken,
    tokenSigned: signedHeaders.includes('x-amz-security-token'),
  };
}

function readQuerySignature(param: (name: string) => string | undefined): Signature {
  const algorithm = param('X-Amz-Algorithm');
  if (algorithm !== undefined && algorithm !== ALGORITHM)
    throw new ApiError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${algorithm}'`);
  const problems = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']
    .filter((name) => !param(name))
    .map((name) => `AWS query-string parameters must include '${name}'.`);
  const expires = param('X-Amz-Expires');
  const expiresS = expires === undefined ? NaN : Number(expires);
  if (!Number.isInteger(expiresS) || expiresS < 1 || expiresS > MAX_PRESIGNED_EXPIRES_S)
    problems.push(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_S}.`);
  if (problems.length > 0)
    throw new ApiError('IncompleteSignatureException', `${problems.join(' ')} Re-examine the query-string parameters.`);
  return {
    kind: 'query',
    ...readCredential(param('X-Amz-Credential') ?? ''),
    amzDate: param('X-Amz-Date') ?? '',
    signedHeaders: (param('X-Amz-SignedHeaders') ?? '').split(';'),
    signature: param('X-Amz-Signature') ?? '',
    sessionToken: param('X-Amz-Security-Token'),
    expiresS,
    tokenSigned: true,
  };
}

function readCredential(
  credential: string,
): Pick<Signature, 'accessKeyId' | 'scopeDate' | 'scopeRegion' | 'scopeService'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === ''))
    throw new ApiError(
      'IncompleteSignatureException',
      `Credential should be of the form <access key id>/<date>/<region>/<service>/${TERMINATOR}, not '${credential}'.`,
    );
  const [accessKeyId = '', scopeDate = '', scopeRegion = '', scopeService = '', terminator] = parts;
  if (terminator !== TERMINATOR)
    throw new ApiError(
      'IncompleteSignatureException',
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`,
    );
  return { accessKeyId, scopeDate, scopeRegion, scopeService };
}

/** YYYYMMDDTHHMMSSZ as epoch milliseconds. */
function parseAmzDate(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const time = match
    ? Date.UTC(
        Number(match[1]),
        Number(match[2]) - 1,
        Number(match[3]),
        Number(match[4]),
        Number(match[5]),
        Number(match[6]),
      )
    : NaN;
  if (!match || Number.isNaN(time) || formatAmzDate(time) !== text)
    throw new ApiError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${text}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  return time;
}

export function formatAmzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function checkDate(signature: Signature, signedAt: number, now: number): void {
  const date = signature.amzDate;
  if (signature.kind === 'query' && signature.expiresS !== undefined) {
    const expiresAt = signedAt + signature.expiresS * 1000;
    if (now > expiresAt)
      throw new ApiError(
        'InvalidSignatureException',
        `Signature expired: ${date} is now earlier than ${formatAmzDate(now - signature.expiresS * 1000)} (${formatAmzDate(now)} - ${signature.expiresS} sec.)`,
      );
  } else if (signedAt < now - MAX_SKEW_MS) {
    throw new ApiError(
      'InvalidSignatureException',
      `Signature expired: ${date} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (signedAt > now + MAX_SKEW_MS)
    throw new ApiError(
      'InvalidSignatureException',
      `Signature not yet current: ${date} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
    );
  if (signature.scopeDate !== date.slice(0, 8))
    throw new ApiError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${signature.scopeDate}' != '${date.slice(0, 8)}', from '${date}'.`,
    );
}

function checkScope(signature: Signature, region: string): void {
  if (signature.scopeService !== SIGNING_SERVICE)
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `,
    );
  if (signature.scopeRegion !== region)
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${signature.scopeRegion}'. This server's region is '${region}'.`,
    );
  if (!signature.signedHeaders.includes('host'))
    throw new ApiError('IncompleteSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
}

/** A token only with the pair configured with it, and then only that one. */
function checkSessionToken(key: AccessKey, token: string | undefined): void {
  if (key.sessionToken === undefined ? token === undefined : token !== undefined && sameText(token, key.sessionToken))
    return;
  throw new ApiError('UnrecognizedClientException', INVALID_TOKEN);
}

/** Constant-time comparison of two strings (their lengths aside). */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value: unknown = headers[name];
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'string' ? value : undefined;
}

/** The path (decoded) and the query's parameters (decoded, in order) of a raw request URL. */
function splitUrl(url: string): { path: string; query: [string, string][] } {
  const mark = url.indexOf('?');
  const rawPath = mark < 0 ? url : url.slice(0, mark);
  const rawQuery = mark < 0 ? '' : url.slice(mark + 1);
  const query: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    query.push([decode(name), decode(value)]);
  }
  return { path: decode(rawPath), query };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError('IncompleteSignatureException', 'The request URL is not validly percent-encoded.');
  }
}

/** The query as the signer takes it, without the named parameters (repeated ones as lists). */
function withoutParams(query: [string, string][], names: string[]): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of query) {
    if (names.includes(name)) continue;
    const existing = result[name];
    result[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return result;
}
