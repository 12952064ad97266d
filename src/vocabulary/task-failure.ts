/**
 * Throw this from a task handler (a local function, a worker's function) to fail the task with an
 * exact error name and cause. Shared by the engine, the integrations and the worker process.
 */
export class TaskFailure extends Error {
  constructor(
    readonly error: string,
    override readonly cause?: string,
  ) {
    super(cause ?? error);
    this.name = 'TaskFailure';
  }
}
