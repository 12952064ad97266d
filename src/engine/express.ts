/**
 * Express executions: run in memory through the in-memory runner, as AWS runs them, with tasks
 * through the same integrations as Standard ones. Nothing of them is stored; their history events go
 * to the engine's observer as they are made (execution logs, metrics), and the recent ones to a
 * bounded ring in memory for the console (./express-record.ts).
 */
import type { Logger } from 'pino';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import { StatesErrors } from '../vocabulary/states-errors.js';
import type { Runtime, Signal } from '../interpreter/types.js';
import type { StateMachineRecord } from '../store/types.js';
import type { Clock } from './clock.js';
import type { CompileCache } from './compile-cache.js';
import type { StartRequest, StartResult, SyncResult } from './engine.js';
import { executionArn, executionInfo } from './execution-info.js';
import { logExecutionEnded, logExecutionStarted, type LoggedExecution } from './execution-log.js';
import { runInMemory } from './in-memory-runner.js';
import type { InvokeTaskCommand } from './task-invoker.js';
import type { TaskRunner } from './task-runner.js';
import { EXPRESS_MAX_DURATION_MS } from '../vocabulary/limits.js';
import type { EngineObserver, ObservedExecution } from './observer.js';
import { ExpressRecord } from './express-record.js';

export class ExpressRunner {
  /** Asynchronous Express executions running now, to stop them. */
  private readonly running = new Map<string, AbortController>();
  /** Synchronous Express executions running now. */
  private syncRunning = 0;
  /** The recent Express executions, for the console. */
  readonly record = new ExpressRecord();

  constructor(
    private readonly machines: CompileCache,
    private readonly tasks: TaskRunner,
    private readonly clock: Clock,
    private readonly rt: Runtime,
    private readonly log: Logger | undefined,
    /** Bytes of history one run may hold (see InMemoryRunOptions.historyBytesLimit). */
    private readonly historyBytesLimit?: number,
    private readonly observer?: EngineObserver,
  ) {}

  /** The runner's `onEvents` option for an execution, when someone watches. */
  private watch(
    sm: StateMachineRecord,
    arn: string,
    name: string,
    startDate: number,
    synchronous: boolean,
  ): { onEvents?: (events: readonly HistoryEvent[]) => void } {
    const observer = this.observer;
    if (!observer?.executionEvents) return {};
    const execution: ObservedExecution = {
      executionArn: arn,
      stateMachineArn: sm.arn,
      name,
      type: 'EXPRESS',
      startDate,
      redriveCount: 0,
      loggingConfiguration: sm.loggingConfiguration,
      synchronous,
    };
    return { onEvents: (events) => observer.executionEvents?.(execution, events) };
  }

  /** Express executions running in memory now, synchronous and asynchronous. */
  get active(): number {
    return this.running.size + this.syncRunning;
  }

  async startSync(request: StartRequest): Promise<SyncResult> {
    const sm = request.stateMachine;
    const arn = executionArn(sm, request.name, 'EXPRESS', this.rt.uuid());
    const startDate = this.clock.now();
    // A synchronous run keeps no history (its caller gets the result): the ring holds its summary.
    this.record.started(sm, {
      executionArn: arn,
      stateMachineArn: sm.arn,
      name: request.name,
      mode: 'sync',
      startDate,
      input: request.inputText,
    });
    const logged = { executionArn: arn, name: request.name, stateMachineArn: sm.arn, type: 'EXPRESS' as const };
    logExecutionStarted(this.log, logged);
    this.syncRunning++;
    const result = await runInMemory(
      this.machines.forStateMachine(sm),
      executionInfo(sm, request, arn, startDate, undefined),
      request.input,
      {
        invoke: this.invoker(arn, request),
        cancel: (taskId) => this.tasks.cancel(arn, taskId),
        clock: this.clock,
        history: false,
        runtime: this.rt,
        deadline: startDate + EXPRESS_MAX_DURATION_MS,
        ...this.watch(sm, arn, request.name, startDate, true),
      },
    ).finally(() => this.syncRunning--);
    const stopDate = this.clock.now();
    // The output as text once, for the ring and the answer alike.
    const ending = {
      ...(result.output !== undefined ? { output: JSON.stringify(result.output) } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
    };
    this.record.ended(sm, arn, { status: result.status, stopDate, ...ending }, []);
    this.logEnd(logged, result, startDate);
    return {
      executionArn: arn,
      stateMachineArn: sm.arn,
      name: request.name,
      startDate,
      stopDate,
      status: result.status,
      input: request.inputText,
      ...ending,
    };
  }

  startAsync(request: StartRequest): StartResult {
    const sm = request.stateMachine;
    const arn = executionArn(sm, request.name, 'EXPRESS', this.rt.uuid());
    const startDate = this.clock.now();
    const controller = new AbortController();
    this.running.set(arn, controller);
    const logged = { executionArn: arn, name: request.name, stateMachineArn: sm.arn, type: 'EXPRESS' as const };
    logExecutionStarted(this.log, logged);
    const logging = sm.loggingConfiguration.level !== 'OFF';
    this.record.started(sm, {
      executionArn: arn,
      stateMachineArn: sm.arn,
      name: request.name,
      mode: 'async',
      startDate,
      input: request.inputText,
    });
    void runInMemory(this.machines.forStateMachine(sm), executionInfo(sm, request, arn, startDate, 0), request.input, {
      invoke: this.invoker(arn, request),
      cancel: (taskId) => this.tasks.cancel(arn, taskId),
      clock: this.clock,
      history: logging,
      runtime: this.rt,
      abort: controller.signal,
      deadline: startDate + EXPRESS_MAX_DURATION_MS,
      ...(this.historyBytesLimit !== undefined ? { historyBytesLimit: this.historyBytesLimit } : {}),
      ...this.watch(sm, arn, request.name, startDate, false),
    })
      .then((result) => {
        this.record.ended(
          sm,
          arn,
          {
            status: result.status,
            stopDate: this.clock.now(),
            ...(result.output !== undefined ? { output: JSON.stringify(result.output) } : {}),
            ...(result.error !== undefined ? { error: result.error } : {}),
            ...(result.cause !== undefined ? { cause: result.cause } : {}),
          },
          result.history,
        );
        this.logEnd(logged, result, startDate);
      })
      .catch((e: unknown) => this.log?.error({ err: e, executionArn: arn }, 'express execution failed unexpectedly'))
      .finally(() => this.running.delete(arn));
    return { executionArn: arn, startDate };
  }

  /** Stops an asynchronous Express execution running here; false if there is none by that ARN. */
  stop(executionArn: string, error?: string, cause?: string): boolean {
    const controller = this.running.get(executionArn);
    if (!controller) return false;
    controller.abort({ error, cause });
    return true;
  }

  /** The server stops: every Express execution still running fails. */
  abortAll(): void {
    for (const controller of this.running.values())
      controller.abort({ error: 'States.Runtime', cause: 'The server stopped' });
  }

  /** Express executions run tasks through the same integrations; a callback they cannot wait for fails. */
  private invoker(arn: string, request: StartRequest): (command: InvokeTaskCommand) => Promise<Signal> {
    return async (command) =>
      (await this.tasks.run(
        {
          arn,
          name: request.name,
          stateMachineArn: request.stateMachine.arn,
          roleArn: request.stateMachine.roleArn,
          testCase: request.testCase,
        },
        command,
      )) ?? {
        kind: 'taskFailed',
        taskId: command.taskId,
        error: StatesErrors.TaskFailed,
        cause: 'Express executions cannot wait for a task token',
      };
  }

  private logEnd(
    logged: LoggedExecution,
    result: { status: string; error?: string | undefined },
    startDate: number,
  ): void {
    logExecutionEnded(this.log, {
      ...logged,
      status: result.status,
      startDate,
      stopDate: this.clock.now(),
      ...(result.error !== undefined ? { error: result.error } : {}),
    });
  }
}
