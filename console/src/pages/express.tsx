/**
 * Express executions: AWS keeps no record of them (ListExecutions answers
 * StateMachineTypeNotSupported; their history goes to CloudWatch Logs when logging is on). The
 * console shows what this server's bounded in-memory ring holds (GET /console/api/express): the
 * recent ones this node ran since it started, with the history their logging would have logged.
 *
 * No Stop, alone or several at once: AWS's StopExecution does not support Express state machines (an
 * Express execution's ARN is InvalidArn, "Resource type not valid in this context: express", here as
 * on AWS), so where a Standard execution has its Stop button a running Express one says so instead.
 */
import { useEffect, useMemo } from 'react';
import { arnLabel, baseMachineArn, formatDuration, getJson, type ExecutionStatus, type HistoryEvent } from '../api.js';
import { parseDefinitionText } from '../definition.js';
import { GraphView } from '../graph/GraphView.js';
import { buildGraph } from '../graph/model.js';
import { ExecutionHistory } from '../history.js';
import { failureOrigins, statusesWithOrigins } from '../failure-origin.js';
import { call } from '../api.js';
import { href } from '../router.js';
import { ErrorBox, Field, FoldText, JsonBlock, StatusBadge, When, useAsync } from '../ui.js';

export interface ExpressSummary {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  mode: 'async' | 'sync';
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  error?: string;
  cause?: string;
  loggingLevel: string;
  includeExecutionData: boolean;
  historyEvents: number;
}

export interface ExpressDetail extends ExpressSummary {
  input?: string;
  output?: string;
  historyLeftOff?: number;
  events: HistoryEvent[];
}

export function ExpressNotice() {
  return (
    <p className="notice" data-testid="express-notice">
      AWS keeps no record of Express executions: it cannot list them or describe them, and their history goes to
      CloudWatch Logs only when the state machine's logging is on. Below are the ones this server ran since it started
      (the last 200, kept in memory, lost on restart, on this node only), each with what its logging would have logged.
    </p>
  );
}

/** Why a running Express execution has no Stop button. */
export function ExpressCannotStop({ several = false }: { several?: boolean }) {
  return (
    <p className="notice" data-testid="express-cannot-stop">
      {several ? 'Running Express executions cannot be stopped, one by one or several at once' : 'Cannot be stopped'}:
      AWS's StopExecution does not support Express state machines (it answers InvalidArn for an Express execution, and
      so does this server). {several ? 'Each ends' : 'It ends'} on its own: when it succeeds or fails, at its
      TimeoutSeconds, or at the latest after five minutes (TIMED_OUT).
    </p>
  );
}

export function ExpressExecutionsView({ arn }: { arn: string }) {
  const data = useAsync(
    () => getJson<{ executions: ExpressSummary[] }>(`/console/api/express?stateMachineArn=${encodeURIComponent(arn)}`),
    [arn],
  );
  const running = (data.data?.executions ?? []).some((e) => e.status === 'RUNNING');
  return (
    <div>
      <ExpressNotice />
      <div className="filters">
        <button type="button" onClick={data.reload}>
          Refresh
        </button>
      </div>
      {running && <ExpressCannotStop several />}
      <ErrorBox error={data.error} />
      <table className="table" aria-busy={data.loading} data-testid="express-executions">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Started with</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Logged events</th>
            <th scope="col">Stop</th>
          </tr>
        </thead>
        <tbody>
          {data.data?.executions.map((e) => (
            <tr key={e.executionArn} data-execution={e.name}>
              <td>
                <a href={href.execution(e.executionArn)}>{e.name}</a>
              </td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>{e.mode === 'sync' ? 'StartSyncExecution' : 'StartExecution'}</td>
              <td>
                <When seconds={e.startDate} />
              </td>
              <td>{e.stopDate ? formatDuration((e.stopDate - e.startDate) * 1000) : '—'}</td>
              <td>
                {e.historyEvents}
                {e.loggingLevel === 'OFF' ? ' (logging off)' : ''}
              </td>
              <td>
                {e.status === 'RUNNING' ? (
                  <span className="muted" data-testid="no-stop" title="AWS's StopExecution does not support Express">
                    not supported for Express
                  </span>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
          {data.data?.executions.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No Express execution of this state machine since the server started.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function ExpressExecutionPage({ arn }: { arn: string }) {
  const detail = useAsync(
    () => getJson<ExpressDetail>(`/console/api/express/execution?executionArn=${encodeURIComponent(arn)}`),
    [arn],
  );
  const machineArn = baseMachineArn(detail.data?.stateMachineArn ?? '');
  const machine = useAsync(
    () =>
      machineArn
        ? call<{ definition: string; name: string }>('DescribeStateMachine', { stateMachineArn: machineArn })
        : Promise.resolve(undefined),
    [machineArn],
  );
  const d = detail.data;
  // Started from the console with StartExecution, it may still run: ask again until it ends.
  const { reload, loading } = detail;
  useEffect(() => {
    if (d?.status !== 'RUNNING' || loading) return;
    const timer = setTimeout(reload, 1000);
    return () => clearTimeout(timer);
  }, [d, loading, reload]);
  const history = useMemo(() => {
    const h = new ExecutionHistory();
    if (d?.events.length) h.add(d.events);
    return h;
  }, [d]);
  const graph = useMemo(
    () => buildGraph(parseDefinitionText(machine.data?.definition ?? '{}')),
    [machine.data?.definition],
  );
  const statuses = useMemo(() => statusesWithOrigins(history, failureOrigins(history)), [history]);
  const full = d !== undefined && d.loggingLevel === 'ALL';
  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> /{' '}
        {d ? <a href={href.machine(machineArn, 'executions')}>{arnLabel(machineArn)}</a> : '…'} / {d?.name ?? '…'}
      </p>
      <div className="page-head">
        <h1>
          {d?.name ?? 'Express execution'} {d && <StatusBadge status={d.status} />}
        </h1>
      </div>
      <ExpressNotice />
      {d?.status === 'RUNNING' && <ExpressCannotStop />}
      <ErrorBox error={detail.error} />
      {d && (
        <dl className="facts">
          <Field label="Status">
            <span data-testid="execution-status">{d.status}</span>
          </Field>
          <Field label="Type">Express ({d.mode === 'sync' ? 'StartSyncExecution' : 'StartExecution'})</Field>
          <Field label="Started">
            <When seconds={d.startDate} />
          </Field>
          <Field label="Stopped">
            <When seconds={d.stopDate} />
          </Field>
          <Field label="Duration">{d.stopDate ? formatDuration((d.stopDate - d.startDate) * 1000) : '—'}</Field>
          <Field label="Logging">
            {d.loggingLevel}
            {d.includeExecutionData ? ', with execution data' : ', without execution data'}
          </Field>
          {d.error && (
            <Field label="Error" wide>
              <code>{d.error}</code>
              {d.cause && <FoldText text={d.cause} label="Cause" chars={240} />}
            </Field>
          )}
        </dl>
      )}
      {d && (
        <div className="two-col io">
          <div>
            <h2>Input</h2>
            {d.input !== undefined ? (
              <JsonBlock label="Execution input" text={d.input} />
            ) : (
              <p className="muted">Not kept: the state machine's logging does not include execution data.</p>
            )}
          </div>
          <div>
            <h2>Output</h2>
            {d.output !== undefined ? (
              <JsonBlock label="Execution output" text={d.output} />
            ) : (
              <p className="muted">
                {d.status === 'SUCCEEDED'
                  ? "Not kept: the state machine's logging does not include execution data."
                  : 'None.'}
              </p>
            )}
          </div>
        </div>
      )}
      {d && (
        <>
          <h2>History</h2>
          {d.mode === 'sync' ? (
            <p className="muted">
              A synchronous Express execution returns its result to its caller; this server keeps no history of it.
            </p>
          ) : d.loggingLevel === 'OFF' ? (
            <p className="muted">
              Logging is off for this state machine, so no history was logged. Turn it on (level ALL) to see each state
              here.
            </p>
          ) : (
            !full && (
              <p className="muted">
                Logging level {d.loggingLevel}: only the events it logs are kept, so states may show as not reached.
              </p>
            )
          )}
          {d.events.length > 0 && (
            <>
              <GraphView graph={graph} statuses={statuses} exportName={d.name} height={560} />
              <table className="table events" data-testid="event-table">
                <thead>
                  <tr>
                    <th scope="col">ID</th>
                    <th scope="col">Type</th>
                    <th scope="col">Timestamp</th>
                  </tr>
                </thead>
                <tbody>
                  {d.events.map((ev) => (
                    <tr key={ev.id} data-event-type={ev.type}>
                      <td>{ev.id}</td>
                      <td>{ev.type}</td>
                      <td>
                        <When seconds={ev.timestamp} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
