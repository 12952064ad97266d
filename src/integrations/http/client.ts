/**
 * One HTTP(S) request with node:http, with the failures an HTTP Task tells apart: a response (any
 * status), a socket-level failure (refused, reset, DNS, TLS, the request deadline), or cancellation.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ResolveError, type Destination, type NetworkPolicy } from './network-policy.js';

export interface OutgoingRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Cancels the request (the task was cancelled). */
  signal: AbortSignal;
  /** The whole exchange must finish within this (AWS: 60 seconds). */
  timeoutMs: number;
  /** Bodies longer than this fail with ResponseTooLargeError. */
  maxBodyBytes: number;
  /** Checks the destination first and pins the connection to the checked address. */
  policy?: NetworkPolicy;
}

export interface IncomingResponse {
  statusCode: number;
  statusText: string;
  /** Header names as the server spelled them, every value kept. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** The request never produced a complete response: refused, reset, DNS, TLS, or too slow. */
export class SocketError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'SocketError';
  }
}

export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The response body is larger than ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('The request was cancelled');
    this.name = 'CancelledError';
  }
}

export async function send(req: OutgoingRequest): Promise<IncomingResponse> {
  if (req.signal.aborted) throw new CancelledError();
  let destination: Destination | undefined;
  try {
    destination = await req.policy?.destination(req.url);
  } catch (e) {
    if (e instanceof ResolveError) throw new SocketError(e.message, e.code);
    throw e;
  }
  return exchange(req, destination);
}

/** Connects to the checked address whatever a later lookup of the name would say. */
function pinnedLookup({ address, family }: Destination): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function exchange(req: OutgoingRequest, destination: Destination | undefined): Promise<IncomingResponse> {
  return new Promise<IncomingResponse>((resolve, reject) => {
    if (req.signal.aborted) {
      reject(new CancelledError());
      return;
    }
    const seconds = req.timeoutMs / 1000;
    const make = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    let settled = false;
    const finish = (error: Error | undefined, response?: IncomingResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else if (response) {
        resolve(response);
      }
    };
    const onAbort = () => finish(new CancelledError());
    const options = {
      method: req.method,
      headers,
      agent: false,
      ...(destination ? { lookup: pinnedLookup(destination) } : {}),
    };
    const outgoing = make(req.url, options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBodyBytes) {
          finish(new ResponseTooLargeError(req.maxBodyBytes));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (e) => finish(socketError(e)));
      res.on('aborted', () =>
        finish(new SocketError('The connection was closed before the response was complete', 'ECONNRESET')),
      );
      res.on('end', () =>
        finish(undefined, {
          statusCode: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: groupHeaders(res.rawHeaders),
          body: Buffer.concat(chunks),
        }),
      );
    });
    const timer = setTimeout(
      () => finish(new SocketError(`The HTTP request timed out after ${seconds} seconds`, 'ETIMEDOUT')),
      req.timeoutMs,
    );
    req.signal.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (e) => finish(socketError(e)));
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

function socketError(e: Error): SocketError {
  const code = (e as NodeJS.ErrnoException).code;
  return new SocketError(e.message, code);
}

function groupHeaders(raw: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const spelling = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    const key = spelling.get(lower) ?? name;
    spelling.set(lower, key);
    (out[key] ??= []).push(raw[i + 1] as string);
  }
  return out;
}
