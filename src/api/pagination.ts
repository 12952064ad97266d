/**
 * maxResults / nextToken. Tokens are opaque to callers: the store's cursor, wrapped with the
 * listing it belongs to so a token from another listing (or a made-up one) is an InvalidToken.
 */
import type { Page, PageRequest } from '../store/types.js';
import type { ApiContext } from './context.js';
import { invalidToken } from './errors.js';
import { Limits, type Request } from './request.js';

export interface Pagination {
  maxResults?: number;
  nextToken?: string;
}

/** Reads the members; call `pageRequest` after `request.check()`. */
export function readPagination(request: Request, maxLimit = 1000): Pagination {
  return {
    maxResults: request.integer('maxResults', { min: 0, max: maxLimit }),
    nextToken: request.string('nextToken', Limits.pageToken),
  };
}

/** AWS: 0 or absent means the default page size (100). */
export function pageRequest(pagination: Pagination, listing: string, defaultLimit = 100): PageRequest {
  const limit = pagination.maxResults ? pagination.maxResults : defaultLimit;
  if (pagination.nextToken === undefined) return { limit };
  return { limit, after: decodeToken(pagination.nextToken, listing) };
}

export function nextToken(after: string | undefined, listing: string): string | undefined {
  if (after === undefined) return undefined;
  return Buffer.from(JSON.stringify({ l: listing, a: after }), 'utf8').toString('base64url');
}

function decodeToken(token: string, listing: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null && 'l' in decoded && 'a' in decoded) {
      const { l, a } = decoded;
      if (l === listing && typeof a === 'string') return a;
    }
  } catch {
    // fall through
  }
  throw invalidToken();
}

/**
 * ListStateMachineVersions and ListStateMachineAliases: the state machine named by the request
 * (`check` throws if it does not exist, each with its own AWS error), then one page of its
 * versions or aliases, the token bound to that state machine.
 */
export async function listOfStateMachine<T>(
  request: Request,
  ctx: ApiContext,
  kind: 'versions' | 'aliases',
  check: (stateMachineArn: string, text: string) => Promise<void>,
  list: (stateMachineArn: string, page: PageRequest) => Promise<Page<T>>,
): Promise<{ items: T[]; nextToken: string | undefined }> {
  const text = request.requiredString('stateMachineArn', Limits.arn);
  const pagination = readPagination(request);
  request.check();
  const { stateMachineArn } = ctx.arns.expect(text, ['stateMachine']);
  await check(stateMachineArn, text);
  const listing = `${kind}:${stateMachineArn}`;
  const page = await list(stateMachineArn, pageRequest(pagination, listing));
  return { items: page.items, nextToken: nextToken(page.next, listing) };
}
