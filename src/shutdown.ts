/**
 * A stop within a bound. The graceful stop (in-flight requests answer, long polls answer "no task",
 * commits in progress finish, the store closes, the clean-stop marker is left) gets `timeoutMs`;
 * if it has not finished by then, `abandon` cuts what holds it (open connections, task handlers,
 * the store) and the stop ends without the marker. Nothing is lost either way: every acknowledged
 * step is committed or not at all, and the next start re-invokes the tasks still in the outbox, as
 * after a crash (src/engine/durable/poison.ts counts that stop as a process ending).
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

export interface BoundedCloseOptions {
  timeoutMs: number;
  graceful: () => Promise<void>;
  abandon: () => Promise<void>;
  logger: { warn(details: object, message: string): void };
}

/** Resolves when the graceful stop finished, or 'abandoned' when the bound cut it short. */
export async function boundedClose(options: BoundedCloseOptions): Promise<void | 'abandoned'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const graceful = options.graceful();
  try {
    if ((await Promise.race([graceful.then(() => 'done' as const), bound])) === 'done') return;
  } finally {
    clearTimeout(timer);
  }
  options.logger.warn(
    { shutdownTimeoutMs: options.timeoutMs },
    'the stop did not finish within the shutdown timeout: abandoning what still runs (it is recovered at the next start)',
  );
  graceful.catch(() => undefined);
  await options.abandon();
  return 'abandoned';
}

/** STEPWISE_SHUTDOWN_TIMEOUT / --shutdown-timeout: seconds (fractions allowed) from 0 up; absent: undefined. */
export function parseShutdownTimeout(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`invalid shutdown timeout '${text}': expected a number of seconds from 0 up`);
  return Math.round(seconds * 1000);
}
