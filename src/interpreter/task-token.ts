/**
 * Task tokens ($$.Task.Token): opaque to users, but they carry which execution and task they
 * belong to, so any node can route SendTaskSuccess/Failure/Heartbeat without a lookup table.
 * The nonce (a runtime UUID) makes every token unguessable and unique per attempt.
 */
export interface TaskTokenParts {
  executionArn: string;
  taskId: string;
  nonce: string;
}

const PREFIX = 'sw1.';

export function encodeTaskToken(parts: TaskTokenParts): string {
  const json = JSON.stringify([parts.executionArn, parts.taskId, parts.nonce]);
  return PREFIX + Buffer.from(json, 'utf8').toString('base64url');
}

/** The parts of a token, or undefined when it is not one of ours (AWS: InvalidToken). */
export function decodeTaskToken(token: string): TaskTokenParts | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) return undefined;
    const [executionArn, taskId, nonce] = parsed as [string, string, string];
    return { executionArn, taskId, nonce };
  } catch {
    return undefined;
  }
}
