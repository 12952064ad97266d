/**
 * The console's way to the server: the AWS JSON 1.0 API (`X-Amz-Target: AWSStepFunctions.<Action>`)
 * at `/console/api/aws`, which takes the console's session cookie where `POST /` takes SigV4 only;
 * timestamps in epoch seconds, errors as `{__type, message}`; and a few endpoints of its own that
 * change nothing (`getJson`, `postJson`), such as `/cluster/nodes` and `/console/api/validate`.
 * A 401 (no session, or it ended) sends the browser to the sign-in page.
 */

/** The server's sign-in page, where a 401 sends the browser. */
export const SIGN_IN_PATH = '/console/sign-in';

function signInIfRefused(response: Response): void {
  // (globalThis: this module is also type-checked without the DOM library, for the tests.)
  const location = (globalThis as { location?: { assign(url: string): void } }).location;
  if (response.status === 401) location?.assign(SIGN_IN_PATH);
}
import { parseStatesArn } from '../../src/vocabulary/arn.js';

export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = type;
  }
}

export async function call<T = Record<string, unknown>>(
  action: string,
  body: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch('/console/api/aws', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
    body: JSON.stringify(body),
  });
  signInIfRefused(response);
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    const type =
      String(parsed.__type ?? 'Error')
        .split('#')
        .pop() ?? 'Error';
    throw new ApiError(type, String(parsed.message ?? parsed.Message ?? response.statusText), response.status);
  }
  return parsed as T;
}

/** A POST of a JSON body to one of the server's own endpoints (not the AWS API); errors as `call`'s. */
export async function postJson<T>(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  return getJson<T>(path, signal, { method: 'POST', body: JSON.stringify(body) });
}

/** A GET of one of the server's JSON endpoints (not the AWS API); errors as `call`'s. */
export async function getJson<T>(path: string, signal?: AbortSignal, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json' }, signal });
  signInIfRefused(response);
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (response.ok)
      throw new ApiError('SerializationException', `${path} answered with something other than JSON`, response.status);
  }
  if (!response.ok) {
    const type =
      String(parsed.__type ?? 'Error')
        .split('#')
        .pop() ?? 'Error';
    throw new ApiError(
      type,
      String(parsed.message ?? parsed.Message ?? (response.statusText || `HTTP ${response.status}`)),
      response.status,
    );
  }
  return parsed as T;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
export const ExecutionStatuses: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
];

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
}

export interface StateMachine {
  stateMachineArn: string;
  name: string;
  status?: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
  revisionId?: string;
  description?: string;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  redriveCount?: number;
}

export interface Execution extends ExecutionListItem {
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  redriveCount?: number;
  redriveDate?: number;
  redriveStatus?: string;
  redriveStatusReason?: string;
  /** A Distributed Map's child: the Map Run it belongs to. */
  mapRunArn?: string;
}

export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface Version {
  stateMachineVersionArn: string;
  creationDate: number;
}

export interface Alias {
  stateMachineAliasArn: string;
  creationDate: number;
}

export interface AliasDetail extends Alias {
  name: string;
  description?: string;
  routingConfiguration: { stateMachineVersionArn: string; weight: number }[];
}

export interface Validation {
  result: 'OK' | 'FAIL';
  diagnostics: Diagnostic[];
}

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
  line?: number;
  column?: number;
}

/** One node of `GET /cluster/nodes`; times in epoch milliseconds (unlike the AWS API's seconds). */
export interface ClusterNode {
  id: string;
  /** Where the node's API listens, e.g. http://10.0.0.5:8083. */
  address?: string;
  startedAt: number;
  heartbeatAt: number;
  leaseUntil: number;
  alive: boolean;
  /** Executions whose lease the node holds now. */
  executions: number;
  stats: Record<string, number>;
}

export interface ClusterNodes {
  /** The id of the node that answered. */
  self: string;
  nodes: ClusterNode[];
}

export const DEFAULT_ROLE = 'arn:aws:iam::123456789012:role/StepwiseConsole';

/** Follows nextToken until the listing ends (for the small listings: machines, versions, aliases). */
export async function listAll<T>(action: string, key: string, body: Record<string, unknown> = {}): Promise<T[]> {
  const out: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call<Record<string, unknown>>(action, {
      ...body,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    out.push(...((page[key] as T[] | undefined) ?? []));
    nextToken = page.nextToken as string | undefined;
  } while (nextToken);
  return out;
}

/** "arn:aws:states:r:a:stateMachine:name:3" → "3"; an unqualified ARN → undefined. */
export function qualifier(arn: string): string | undefined {
  const parsed = parseStatesArn(arn);
  if (!parsed.ok) return undefined;
  if (parsed.arn.kind === 'stateMachineVersion') return String(parsed.arn.version);
  if (parsed.arn.kind === 'stateMachineAlias') return parsed.arn.alias;
  return undefined;
}

/** The unqualified state machine ARN for an ARN that may carry a version or alias. */
export function baseMachineArn(arn: string): string {
  const parsed = parseStatesArn(arn);
  return parsed.ok && 'stateMachineArn' in parsed.arn ? parsed.arn.stateMachineArn : arn;
}

/**
 * What a link to an ARN reads: its last field (a machine's name, a version's number, an alias, an
 * execution's name; an Express execution's id). Not an ARN: the text itself.
 */
export function arnLabel(arn: string): string {
  const parsed = parseStatesArn(arn);
  if (!parsed.ok) return arn;
  const a = parsed.arn;
  switch (a.kind) {
    case 'stateMachine':
    case 'activity':
      return a.name;
    case 'stateMachineVersion':
      return String(a.version);
    case 'stateMachineAlias':
      return a.alias;
    case 'execution':
      return a.executionName;
    case 'express':
    case 'mapRun':
      return a.id;
  }
}

/** The browser's offset from UTC as "UTC", "UTC+01:00", "UTC-05:30", for a given instant. */
export function zoneLabel(d: Date): string {
  const offset = -d.getTimezoneOffset();
  if (offset === 0) return 'UTC';
  const pad = (n: number) => String(n).padStart(2, '0');
  const abs = Math.abs(offset);
  return `UTC${offset > 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Epoch seconds → local date and time to the millisecond, with the zone ("2026-01-01 12:00:00.250 UTC+01:00"). */
export function formatDate(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  const d = new Date(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${zoneLabel(d)}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes} min ${seconds} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function prettyJson(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
