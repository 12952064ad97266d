/**
 * One request of the fuzz campaign as bytes on the wire, the rules every answer must keep, and the
 * one-line reproduction printed when it does not (a `curl` command; a body too long or not UTF-8
 * is written to a file the command names).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CONTENT_TYPE = 'application/x-amz-json-1.0';

export interface Exchange {
  /** The X-Amz-Target operation, e.g. 'StartExecution' (sent as `AWSStepFunctions.<operation>`). */
  operation: string;
  body: string | Uint8Array;
}

export interface Answer {
  status: number;
  text: string;
  /** The parsed body when it is JSON. */
  json: unknown;
}

/** How long a request may take before the campaign calls the server frozen (not a speed test). */
export const ANSWER_DEADLINE_MS = 30_000;

const reproductionDir = join(tmpdir(), 'stepwise-fuzz');

/** Sends one exchange; a missing answer within ANSWER_DEADLINE_MS fails with its reproduction. */
export async function send(url: string, exchange: Exchange): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'Content-Type': CONTENT_TYPE, 'X-Amz-Target': `AWSStepFunctions.${exchange.operation}` },
      body: exchange.body,
      signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
    });
  } catch (error) {
    throw new Error(`no answer (${describe(error)}); reproduce: ${reproduction(exchange)}`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/**
 * The rule for every answer to any input: a 2xx, or a 4xx whose body is AWS's error shape
 * (`{"__type": "...", "message": ...}`). A 5xx is the server's fault, never the input's.
 */
export function checkAnswer(exchange: Exchange, answer: Answer): void {
  const problem = answerProblem(answer);
  if (problem) throw new Error(`${problem}; reproduce: ${reproduction(exchange)}`);
}

function answerProblem(answer: Answer): string | undefined {
  if (answer.status >= 200 && answer.status < 300) return undefined;
  const excerpt = answer.text.slice(0, 300);
  if (answer.status >= 500) return `answered ${answer.status}: ${excerpt}`;
  const type =
    typeof answer.json === 'object' && answer.json !== null ? (answer.json as { __type?: unknown }).__type : undefined;
  if (typeof type !== 'string' || type === '')
    return `answered ${answer.status} without an AWS error shape: ${excerpt}`;
  return undefined;
}

/** Sends an exchange and applies checkAnswer. */
export async function exchangeChecked(url: string, exchange: Exchange): Promise<Answer> {
  const answer = await send(url, exchange);
  checkAnswer(exchange, answer);
  return answer;
}

/**
 * A shell line that sends the same bytes to a server started with `npm start` (port 8083; the
 * campaign's own server had a random port and is gone by the time anyone reads the report).
 */
export function reproduction(exchange: Exchange): string {
  const url = 'http://127.0.0.1:8083';
  const headers = `-H 'Content-Type: ${CONTENT_TYPE}' -H 'X-Amz-Target: AWSStepFunctions.${exchange.operation}'`;
  const text = typeof exchange.body === 'string' ? exchange.body : undefined;
  const printable =
    text !== undefined && text.length <= 400 && [...text].every((c) => c >= ' ' && c <= '~' && c !== "'");
  if (printable) return `curl -s ${url}/ ${headers} --data-binary '${text}'`;
  const bytes = typeof exchange.body === 'string' ? Buffer.from(exchange.body, 'utf8') : Buffer.from(exchange.body);
  mkdirSync(reproductionDir, { recursive: true });
  const file = join(reproductionDir, `${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}.body`);
  writeFileSync(file, bytes);
  return `curl -s ${url}/ ${headers} --data-binary @${file}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
