/**
 * The tasks of a running execution that wait for a task token (a callback, an activity worker, a
 * job run), from GET /console/api/tasks, and a form to answer each one through the AWS API:
 * SendTaskSuccess with a JSON output, SendTaskFailure with an error and a cause, SendTaskHeartbeat.
 */
import { useEffect, useMemo, useState } from 'react';
import { arnLabel, call, getJson } from '../api.js';
import { jsonMarker } from './start.js';
import { ErrorBox, FoldText, Tabs, When } from '../ui.js';

export interface OpenTask {
  taskId: string;
  stateName: string;
  waitsFor: 'callback' | 'activity' | 'job';
  taskToken: string;
  resource?: string;
  scheduledAt?: number;
  started: boolean;
  heartbeatSeconds?: number;
  heartbeatDueAt?: number;
  timeoutAt?: number;
  mapIndex?: number;
}

/** What a task waits for, in two words or fewer, for the graph's node (its title and data-waiting). */
export function waitingLabel(task: OpenTask): string {
  switch (task.waitsFor) {
    case 'callback':
      return 'task token';
    case 'activity':
      return 'activity worker';
    case 'job':
      return 'job';
  }
}

/** The execution's open tasks while it runs: asked again when its history grows, and every 5 s. */
export function useOpenTasks(executionArn: string, running: boolean, version: number) {
  const [tasks, setTasks] = useState<OpenTask[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!running) {
      setTasks([]);
      return;
    }
    const controller = new AbortController();
    getJson<{ tasks: OpenTask[] }>(
      `/console/api/tasks?executionArn=${encodeURIComponent(executionArn)}`,
      controller.signal,
    ).then(
      (answer) => {
        setTasks(answer.tasks);
        setError(undefined);
      },
      (e: unknown) => !controller.signal.aborted && setError(e as Error),
    );
    return () => controller.abort();
  }, [executionArn, running, version, tick]);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((t) => t + 1), 5000);
    return () => clearInterval(timer);
  }, [running]);
  const waiting = useMemo(() => new Map(tasks.map((t) => [t.stateName, waitingLabel(t)])), [tasks]);
  return { tasks, waiting, error, refresh: () => setTick((t) => t + 1) };
}

function describeWait(task: OpenTask): string {
  switch (task.waitsFor) {
    case 'callback':
      return 'Waits for a callback: SendTaskSuccess or SendTaskFailure with its task token.';
    case 'activity':
      return task.started
        ? `Waits for the activity worker that took it to answer (activity ${arnLabel(task.resource ?? '')}).`
        : `Waits for an activity worker to take it: GetActivityTask on activity ${arnLabel(task.resource ?? '')}.`;
    case 'job':
      return 'Waits for its job to finish (.sync); a heartbeat or an answer with its token is accepted too.';
  }
}

export function WaitingTasks({ tasks, onAnswered }: { tasks: OpenTask[]; onAnswered: () => void }) {
  if (tasks.length === 0) return null;
  return (
    <section className="waiting" aria-label="Waiting tasks" data-testid="waiting-tasks">
      <h2>Waiting for {tasks.length === 1 ? 'a task' : `${tasks.length} tasks`} to be answered</h2>
      {tasks.map((task) => (
        <WaitingTask key={task.taskId} task={task} onAnswered={onAnswered} />
      ))}
    </section>
  );
}

type Answer = 'success' | 'failure' | 'heartbeat';

function WaitingTask({ task, onAnswered }: { task: OpenTask; onAnswered: () => void }) {
  const [tab, setTab] = useState<Answer>('success');
  const [output, setOutput] = useState('{}');
  const [errorName, setErrorName] = useState('');
  const [cause, setCause] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | undefined>();
  const [failure, setFailure] = useState<Error | undefined>();
  const outputProblem = useMemo(() => jsonMarker(output), [output]);

  const send = async (action: 'SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat') => {
    setBusy(true);
    setFailure(undefined);
    setResult(undefined);
    try {
      const body: Record<string, unknown> = { taskToken: task.taskToken };
      if (action === 'SendTaskSuccess') body.output = output;
      if (action === 'SendTaskFailure') {
        if (errorName) body.error = errorName;
        if (cause) body.cause = cause;
      }
      await call(action, body);
      setResult(
        action === 'SendTaskHeartbeat'
          ? `Heartbeat sent at ${new Date().toLocaleTimeString()}.`
          : `${action === 'SendTaskSuccess' ? 'Success' : 'Failure'} sent: the execution goes on.`,
      );
      onAnswered();
    } catch (e) {
      setFailure(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="waiting-task" data-task-state={task.stateName} data-waits-for={task.waitsFor}>
      <h3>
        {task.stateName}
        {task.mapIndex !== undefined ? ` (Map item ${task.mapIndex})` : ''}
      </h3>
      <p data-testid="waits-for">{describeWait(task)}</p>
      <dl className="facts compact-facts">
        {task.scheduledAt !== undefined && (
          <div className="field">
            <dt>Scheduled</dt>
            <dd>
              <When seconds={task.scheduledAt} />
            </dd>
          </div>
        )}
        <div className="field">
          <dt>Heartbeat</dt>
          <dd data-testid="heartbeat">
            {task.heartbeatSeconds !== undefined ? (
              <>
                every {task.heartbeatSeconds} s, next due by <When seconds={task.heartbeatDueAt} />
              </>
            ) : (
              'none required'
            )}
          </dd>
        </div>
        <div className="field">
          <dt>Timeout</dt>
          <dd data-testid="timeout">{task.timeoutAt !== undefined ? <When seconds={task.timeoutAt} /> : 'none'}</dd>
        </div>
        {task.resource && (
          <div className="field">
            <dt>Resource</dt>
            <dd>
              <code className="arn">
                <FoldText text={task.resource} chars={120} />
              </code>
            </dd>
          </div>
        )}
        <div className="field field-wide">
          <dt>Task token</dt>
          <dd>
            <code className="arn" data-testid="task-token">
              <FoldText text={task.taskToken} chars={80} label="Task token" />
            </code>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(task.taskToken)}>
              Copy
            </button>
          </dd>
        </div>
      </dl>
      <Tabs
        label={`Answer ${task.stateName}`}
        value={tab}
        onChange={setTab}
        tabs={
          [
            ['success', 'Send success'],
            ['failure', 'Send failure'],
            ['heartbeat', 'Send heartbeat'],
          ] as const
        }
      />
      {tab === 'success' && (
        <div className="answer">
          <label className="stack">
            Output (JSON)
            <textarea
              value={output}
              onChange={(e) => setOutput(e.target.value)}
              rows={4}
              aria-invalid={outputProblem ? true : undefined}
              aria-label="Task output (JSON)"
            />
          </label>
          {outputProblem && (
            <p className="error" role="status">
              Not JSON: {outputProblem.message} (line {outputProblem.line}, column {outputProblem.column})
            </p>
          )}
          <button
            type="button"
            className="primary"
            disabled={busy || Boolean(outputProblem)}
            onClick={() => void send('SendTaskSuccess')}
          >
            Send success
          </button>
        </div>
      )}
      {tab === 'failure' && (
        <div className="answer">
          <label className="stack">
            Error
            <input value={errorName} onChange={(e) => setErrorName(e.target.value)} placeholder="e.g. Rejected" />
          </label>
          <label className="stack">
            Cause
            <textarea value={cause} onChange={(e) => setCause(e.target.value)} rows={3} />
          </label>
          <button type="button" className="danger" disabled={busy} onClick={() => void send('SendTaskFailure')}>
            Send failure
          </button>
        </div>
      )}
      {tab === 'heartbeat' && (
        <div className="answer">
          <p className="muted">
            {task.heartbeatSeconds !== undefined
              ? `Resets the ${task.heartbeatSeconds} s heartbeat deadline.`
              : 'The state sets no HeartbeatSeconds: the heartbeat is accepted and changes nothing.'}
          </p>
          <button type="button" disabled={busy} onClick={() => void send('SendTaskHeartbeat')}>
            Send heartbeat
          </button>
        </div>
      )}
      {result && (
        <p className="ok" role="status">
          {result}
        </p>
      )}
      <ErrorBox error={failure} />
    </div>
  );
}
