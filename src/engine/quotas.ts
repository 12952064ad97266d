/**
 * Per-server and per-execution quotas a self-hosted server needs so that one client cannot exhaust
 * it: executions in flight (StartExecution beyond it answers AWS's ExecutionLimitExceeded), history
 * bytes an in-memory run holds (over it the execution fails with States.Runtime), and the console's
 * live event streams (over it a 429). Each is a serve option and an environment variable.
 */

/**
 * AWS's quota of open Standard executions per account and Region: a waiting execution costs its row
 * and its timer, not memory, so the default is AWS's. (Express runs count too here: they are held in
 * memory while they run.)
 */
export const DEFAULT_MAX_EXECUTIONS_IN_FLIGHT = 1_000_000;
/** 64 MiB of history events (as JSON) held by one in-memory run. */
export const DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY = 64 * 1024 * 1024;
export const DEFAULT_MAX_EVENT_STREAMS = 100;

/** StartExecution while this server runs as many executions as it may: AWS's ExecutionLimitExceeded. */
export class ExecutionLimitExceededError extends Error {
  constructor(readonly limit: number) {
    super(
      `The maximum number of running executions has been reached (${limit} on this server, ` +
        `--max-executions-in-flight). Running executions must end or be stopped before a new execution can be started.`,
    );
    this.name = 'ExecutionLimitExceededError';
  }
}

export { historyBytesCause } from '../vocabulary/states-errors.js';
