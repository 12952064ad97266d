/**
 * What happens at the HTTP edge before a route runs, in AWS's error shape: bodies that are not
 * UTF-8, and connection-level errors node's parser raises (headers too large, malformed requests),
 * answered on the raw socket with a JSON 1.0 error body.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, type ApiErrorType } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; invalid UTF-8 is a SerializationException, never silently replaced. */
export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new ApiError('SerializationException', 'The request body is not valid UTF-8');
  }
}

/** node's `clientError`: answer 431/408/400 with `{"__type", "message"}` and close the socket. */
export function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let type: ApiErrorType = 'SerializationException';
  let message = 'Malformed HTTP request';
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    type = 'RequestHeaderFieldsTooLarge';
    message = 'The request headers exceed the maximum allowed size';
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    message = 'The request was not received in time';
  }
  const body = JSON.stringify({ __type: type, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        `Content-Type: application/x-amz-json-1.0\r\nx-amzn-errortype: ${type}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
