import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  arnLabel,
  baseMachineArn,
  call,
  formatDuration,
  prettyJson,
  qualifier,
  type Execution,
  type HistoryEvent,
} from '../api.js';
import { parseDefinitionText } from '../definition.js';
import { GraphView } from '../graph/GraphView.js';
import { buildGraph } from '../graph/model.js';
import { download } from '../graph/svg.js';
import { ExecutionHistory, StatusLabels, eventDetails, type StateRun } from '../history.js';
import { followExecution } from '../live.js';
import { loadHistory, pageSlice } from '../pager.js';
import { href, navigate } from '../router.js';
import { ErrorBox, Field, FoldText, JsonBlock, StatusBadge, Tabs, When, useAsync } from '../ui.js';
import { failureOrigins, statusesWithOrigins } from '../failure-origin.js';
import { MapRunLinks } from './map-run.js';
import { PREFILL_KEY } from './start.js';
import { WaitingTasks, useOpenTasks } from './tasks.js';
import { RerunOrigin, RerunPanel, isTopLevel, type RerunMachine } from './rerun.js';
import { CompareWith } from './compare.js';

type Tab = 'graph' | 'table' | 'events';

/** Loads the history page by page (the graph colours as each page lands), then follows it live. */
function useHistory(arn: string, running: boolean | undefined, onEnd: () => void) {
  const history = useRef(new ExecutionHistory());
  const [version, setVersion] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    let cancelled = false;
    history.current = new ExecutionHistory();
    setLoaded(false);
    loadHistory({
      executionArn: arn,
      call: (action, body) => call(action, body),
      cancelled: () => cancelled,
      onPage: (events, done) => {
        if (cancelled) return;
        history.current.add(events);
        setVersion(history.current.version);
        if (done) setLoaded(true);
      },
    }).catch((e: unknown) => !cancelled && setError(e as Error));
    return () => {
      cancelled = true;
    };
  }, [arn]);

  useEffect(() => {
    if (!loaded || !running) return;
    return followExecution({
      executionArn: arn,
      after: () => history.current.lastEventId,
      onEvents: (events) => {
        history.current.add(events);
        setVersion(history.current.version);
      },
      onEnd: () => onEndRef.current(),
    });
  }, [arn, loaded, running]);

  return { history: history.current, version, loaded, error };
}

export function ExecutionPage({ arn, tab }: { arn: string; tab?: string }) {
  const current: Tab = tab === 'table' || tab === 'events' ? tab : 'graph';
  const execution = useAsync(() => call<Execution>('DescribeExecution', { executionArn: arn }), [arn]);
  const machine = useAsync(
    () =>
      call<RerunMachine>('DescribeStateMachineForExecution', {
        executionArn: arn,
      }),
    [arn],
  );
  const e = execution.data;
  const { history, version, loaded, error } = useHistory(arn, e ? e.status === 'RUNNING' : undefined, execution.reload);
  const [selected, setSelected] = useState<string | undefined>();
  const [iterationId, setIterationId] = useState<string | undefined>();
  const [actionError, setActionError] = useState<Error | undefined>();
  const [now, setNow] = useState(() => Date.now());

  const running = e?.status === 'RUNNING' && history.summary.status === 'RUNNING';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  // A terminal event seen live while DescribeExecution still says RUNNING: describe again, once
  // (not while that request is in flight: a reload supersedes the one before it).
  const { reload: redescribe, loading: describing } = execution;
  useEffect(() => {
    if (!describing && e?.status === 'RUNNING' && history.summary.status !== 'RUNNING') redescribe();
  }, [e?.status, history.summary.status, version, describing, redescribe]);

  const graph = useMemo(
    () => buildGraph(parseDefinitionText(machine.data?.definition ?? '{}')),
    [machine.data?.definition],
  );
  const origins = useMemo(() => failureOrigins(history), [history, version]);
  const statuses = useMemo(
    () => statusesWithOrigins(history, origins, iterationId),
    [history, version, iterationId, origins],
  );
  const open = useOpenTasks(arn, running, version);

  const act = useCallback(
    async (action: 'StopExecution' | 'RedriveExecution') => {
      setActionError(undefined);
      try {
        await call(action, { executionArn: arn });
        navigate(href.execution(arn, tab));
        window.location.reload();
      } catch (err) {
        setActionError(err as Error);
      }
    },
    [arn, tab],
  );

  const exportJson = () => {
    const body = JSON.stringify({ execution: e, events: history.events }, null, 2);
    download(`${e?.name ?? 'execution'}.json`, new Blob([body], { type: 'application/json' }));
  };
  const newExecution = () => {
    if (!e) return;
    sessionStorage.setItem(PREFILL_KEY, prettyJson(e.input ?? '{}'));
    navigate(href.start(e.stateMachineAliasArn ?? e.stateMachineVersionArn ?? e.stateMachineArn));
  };

  const stopDate =
    e?.stopDate ??
    (history.summary.endedAt !== undefined && history.summary.status !== 'RUNNING'
      ? history.summary.endedAt
      : undefined);
  const duration = e ? (stopDate ?? now / 1000) - e.startDate : undefined;
  const parentArn = useMemo(() => {
    const input = parseDefinitionText(e?.input ?? '') as Record<string, unknown> | undefined;
    const id = input && typeof input === 'object' ? input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID : undefined;
    return typeof id === 'string' ? id : undefined;
  }, [e?.input]);
  const status = e?.status === 'RUNNING' && history.summary.status !== 'RUNNING' ? history.summary.status : e?.status;
  const selectedRun = selected ? history.latestRun(selected, iterationId) : undefined;

  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> /{' '}
        {e ? (
          <a href={href.machine(baseMachineArn(e.stateMachineArn))}>
            {machine.data?.name ?? arnLabel(e.stateMachineArn)}
          </a>
        ) : (
          '…'
        )}{' '}
        / {e?.name ?? '…'}
      </p>
      <div className="page-head">
        <h1>
          {e?.name ?? 'Execution'} {status && <StatusBadge status={status} />}
        </h1>
        <div className="actions">
          <button type="button" disabled={status !== 'RUNNING'} onClick={() => void act('StopExecution')}>
            Stop
          </button>
          <button
            type="button"
            disabled={!(status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED')}
            onClick={() => void act('RedriveExecution')}
          >
            Redrive
          </button>
          <button type="button" onClick={newExecution} disabled={!e}>
            New execution
          </button>
          <button type="button" onClick={exportJson} disabled={!e}>
            Export JSON
          </button>
        </div>
      </div>
      <ErrorBox error={execution.error ?? actionError ?? error} />
      {e && (
        <dl className="facts">
          <Field label="Status">
            <span data-testid="execution-status">{status}</span>
          </Field>
          <Field label="Started">
            <When seconds={e.startDate} />
          </Field>
          <Field label="Stopped">
            <When seconds={stopDate} />
          </Field>
          <Field label="Duration">{duration === undefined ? '—' : formatDuration(duration * 1000)}</Field>
          <Field label="State transitions">
            <span data-testid="transitions">
              {history.summary.transitions}
              {loaded ? '' : '+'}
            </span>
          </Field>
          {e.stateMachineVersionArn && <Field label="Version">{qualifier(e.stateMachineVersionArn)}</Field>}
          {e.stateMachineAliasArn && <Field label="Alias">{qualifier(e.stateMachineAliasArn)}</Field>}
          {(e.redriveCount ?? 0) > 0 && <Field label="Redrives">{e.redriveCount}</Field>}
          <RerunOrigin definition={machine.data?.definition} />
          {parentArn && (
            <Field label="Started by">
              <a href={href.execution(parentArn)}>{arnLabel(parentArn)}</a>
            </Field>
          )}
          <MapRunLinks mapRunArn={e.mapRunArn} history={history} version={version} />
          {history.summary.childExecutionArns.length > 0 && (
            <Field label="Child executions">
              {history.summary.childExecutionArns.map((c) => (
                <a key={c} href={href.execution(c)}>
                  {arnLabel(c)}
                </a>
              ))}
            </Field>
          )}
          {e.error && (
            <Field label="Error" wide>
              <code>{e.error}</code>
              {e.cause && <FoldText text={e.cause} label="Cause" chars={240} />}
            </Field>
          )}
        </dl>
      )}
      <div className="two-col io">
        <div>
          <h2>Input</h2>
          <JsonBlock label="Execution input" text={e?.input} />
        </div>
        <div>
          <h2>Output</h2>
          <JsonBlock
            label="Execution output"
            text={e?.output ?? (e?.error ? JSON.stringify({ error: e.error, cause: e.cause }) : undefined)}
          />
        </div>
      </div>
      {e && <CompareWith execution={e} />}
      <ErrorBox error={open.error} />
      <WaitingTasks tasks={open.tasks} onAnswered={open.refresh} />
      {!loaded && (
        <p className="muted" role="status">
          Loading history… {history.events.length} events so far
        </p>
      )}
      <Tabs
        label="Execution"
        value={current}
        onChange={(t) => navigate(href.execution(arn, t === 'graph' ? undefined : t))}
        tabs={
          [
            ['graph', 'Graph view'],
            ['table', 'Table view'],
            ['events', 'Event view'],
          ] as const
        }
      />
      {history.iterations.length > 0 && current !== 'events' && (
        <IterationPicker history={history} value={iterationId} onChange={setIterationId} />
      )}
      {current === 'graph' && (
        <div className="graph-layout">
          <GraphView
            graph={graph}
            statuses={statuses}
            selectedState={selected}
            onSelectState={setSelected}
            exportName={e?.name}
            height={640}
            waiting={open.waiting}
          />
          <StepPanel
            run={selectedRun}
            name={selected}
            definition={machine.data?.definition}
            history={history}
            origin={selectedRun !== undefined && origins.has(selectedRun) ? e : undefined}
            rerun={machine.data ? { executionArn: arn, machine: machine.data } : undefined}
          />
        </div>
      )}
      {current === 'table' && (
        <TableView
          history={history}
          origins={origins}
          iterationId={iterationId}
          startedAt={e?.startDate}
          endedAt={stopDate ?? now / 1000}
          onSelect={(n) => {
            setSelected(n);
            navigate(href.execution(arn));
          }}
        />
      )}
      {current === 'events' && <EventView history={history} loaded={loaded} startedAt={e?.startDate} />}
    </section>
  );
}

function IterationPicker({
  history,
  value,
  onChange,
}: {
  history: ExecutionHistory;
  value?: string;
  onChange: (v: string | undefined) => void;
}) {
  const maps = [...new Set(history.iterations.map((i) => i.mapName))];
  return (
    <div className="form-row">
      <label>
        Map iteration{' '}
        <select
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value || undefined)}
          data-testid="iteration-picker"
        >
          <option value="">All iterations</option>
          {maps.map((m) => (
            <optgroup key={m} label={m}>
              {history.iterations
                .filter((i) => i.mapName === m)
                .map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.id} — {i.status.toLowerCase()}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
    </div>
  );
}

type StepTab = 'input' | 'output' | 'advanced' | 'details' | 'events';

interface Inspection {
  status?: string;
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: Record<string, unknown>;
}

const pipelineStages: [string, string][] = [
  ['input', 'Input'],
  ['afterInputPath', 'After InputPath'],
  ['afterParameters', 'After Parameters'],
  ['afterArguments', 'After Arguments'],
  ['afterItemsPath', 'After ItemsPath'],
  ['afterItemSelector', 'After ItemSelector'],
  ['afterItemBatcher', 'After ItemBatcher'],
  ['result', 'Result'],
  ['afterResultSelector', 'After ResultSelector'],
  ['afterResultPath', 'After ResultPath'],
  ['variables', 'Variables'],
];

function StepPanel({
  run,
  name,
  definition,
  history,
  origin,
  rerun,
}: {
  run?: StateRun;
  name?: string;
  definition?: string;
  history: ExecutionHistory;
  /** Set when the execution's error arose in this run: the execution, for its error and cause. */
  origin?: Execution;
  /** Set when the execution can be re-run from a state: the execution and its state machine. */
  rerun?: { executionArn: string; machine: RerunMachine };
}) {
  const [tab, setTab] = useState<StepTab>('input');
  const [inspection, setInspection] = useState<
    { key: number; data?: Inspection; error?: Error; loading: boolean } | undefined
  >();
  useEffect(() => setInspection(undefined), [run?.enteredEventId]);

  if (!name) {
    return (
      <aside className="step-panel" aria-label="Step details">
        <p className="muted">
          Select a state in the graph (click it, or Tab to it and press Enter) to see its input, output and pipeline.
        </p>
      </aside>
    );
  }
  if (!run) {
    return (
      <aside className="step-panel" aria-label="Step details" data-state={name}>
        <h2>{name}</h2>
        <p className="muted">
          Not reached in this execution{history.iterations.length ? ' (or in this iteration)' : ''}.
        </p>
      </aside>
    );
  }
  const events = run.eventIds
    .map((id) => history.events.find((ev) => ev.id === id))
    .filter((ev): ev is HistoryEvent => Boolean(ev));
  const taskResult = [...events]
    .reverse()
    .find(
      (ev) =>
        /Succeeded$/.test(ev.type) && !/^(Parallel|Map)/.test(ev.type) && typeof eventDetails(ev)?.output === 'string',
    );
  const assigned = (() => {
    const exited = events.find((ev) => ev.type.endsWith('StateExited'));
    const vars = exited ? (eventDetails(exited)?.assignedVariables as Record<string, string> | undefined) : undefined;
    return vars && Object.keys(vars).length ? vars : undefined;
  })();

  const inspect = async () => {
    if (!definition || run.input === undefined) return;
    setInspection({ key: run.enteredEventId, loading: true });
    try {
      const mockable = run.stateType === 'Task';
      const data = await call<Inspection>('TestState', {
        definition,
        stateName: run.name,
        input: run.input,
        inspectionLevel: 'DEBUG',
        ...(mockable && taskResult ? { mock: { result: String(eventDetails(taskResult)?.output) } } : {}),
        ...(mockable && !taskResult && run.error
          ? { mock: { errorOutput: { error: run.error, cause: run.cause ?? '' } } }
          : {}),
      });
      setInspection({ key: run.enteredEventId, data, loading: false });
    } catch (err) {
      setInspection({ key: run.enteredEventId, error: err as Error, loading: false });
    }
  };
  const canInspect =
    ['Task', 'Pass', 'Choice', 'Succeed', 'Fail', 'Wait'].includes(run.stateType) &&
    (run.stateType !== 'Task' || taskResult !== undefined || run.error !== undefined);

  return (
    <aside
      className="step-panel"
      aria-label="Step details"
      data-state={run.name}
      data-status={origin ? 'FAILED' : run.status}
    >
      <h2>
        {run.name} <StatusBadge status={origin ? 'FAILED' : run.status} />
      </h2>
      {origin?.error && (
        <p className="error" data-testid="origin-error">
          The execution failed here: <code>{origin.error}</code>
          {origin.cause ? ': ' : ''}
          {origin.cause && <FoldText text={origin.cause} label="Cause" />}
        </p>
      )}
      <p className="muted">
        {run.stateType}
        {run.iteration ? ` · iteration ${run.iteration.id}` : ''} · entered <When seconds={run.enteredAt} />
        {run.exitedAt !== undefined ? ` · ${formatDuration((run.exitedAt - run.enteredAt) * 1000)}` : ''}
      </p>
      <Tabs
        label="Step"
        value={tab}
        onChange={setTab}
        tabs={
          [
            ['input', 'Input'],
            ['output', 'Output'],
            ['advanced', 'Advanced'],
            ['details', 'Details'],
            ['events', 'Events'],
          ] as const
        }
      />
      {tab === 'input' && <JsonBlock label="State input" text={run.input} />}
      {tab === 'input' &&
        rerun &&
        run.input !== undefined &&
        !run.parent &&
        !run.iteration &&
        isTopLevel(rerun.machine.definition, run.name) && (
          <RerunPanel
            key={run.enteredEventId}
            executionArn={rerun.executionArn}
            machine={rerun.machine}
            state={run.name}
            input={run.input}
          />
        )}
      {tab === 'output' && (
        <JsonBlock
          label="State output"
          text={run.output ?? (run.error ? JSON.stringify({ Error: run.error, Cause: run.cause }) : undefined)}
        />
      )}
      {tab === 'advanced' && (
        <div>
          <p className="muted">
            Each stage of the state's pipeline, recomputed by TestState from the recorded input
            {run.stateType === 'Task' ? ' with the recorded task result as a mock' : ''}.
          </p>
          {!inspection && (
            <button type="button" onClick={() => void inspect()} disabled={!canInspect}>
              {canInspect ? 'Compute the pipeline' : 'Not available for this state'}
            </button>
          )}
          {inspection?.loading && <p role="status">Computing…</p>}
          <ErrorBox error={inspection?.error} />
          {inspection?.data && (
            <div className="pipeline" data-testid="pipeline">
              {pipelineStages
                .filter(([key]) => inspection.data?.inspectionData?.[key] !== undefined)
                .map(([key, label]) => (
                  <div key={key}>
                    <h3>{label}</h3>
                    <JsonBlock label={label} text={String(inspection.data?.inspectionData?.[key])} />
                  </div>
                ))}
              <h3>Output</h3>
              <JsonBlock label="After OutputPath" text={inspection.data.output} />
              {inspection.data.nextState && (
                <p>
                  Next state: <code>{inspection.data.nextState}</code>
                </p>
              )}
              {inspection.data.error && (
                <p>
                  Error: <code>{inspection.data.error}</code>{' '}
                  {inspection.data.cause && <FoldText text={inspection.data.cause} />}
                </p>
              )}
            </div>
          )}
        </div>
      )}
      {tab === 'details' && (
        <div>
          {run.error && (
            <p>
              Error <code>{run.error}</code>
              {run.cause ? ': ' : ''}
              {run.cause && <FoldText text={run.cause} label="Cause" />}
              {run.status === 'CAUGHT_ERROR' ? ' (caught)' : ''}
            </p>
          )}
          {run.attempts.length > 0 && (
            <table className="table compact">
              <caption>
                Attempts ({run.attempts.length - 1} retr{run.attempts.length === 2 ? 'y' : 'ies'})
              </caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Scheduled</th>
                  <th scope="col">Backoff</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {run.attempts.map((a, i) => (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    <td>
                      <When seconds={a.scheduledAt} />
                    </td>
                    <td>{a.backoffSeconds !== undefined ? formatDuration(a.backoffSeconds * 1000) : '—'}</td>
                    <td>
                      {a.outcome.toLowerCase()}
                      {a.error ? ` (${a.error})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Variables assigned</h3>
          {assigned ? (
            <JsonBlock
              label="Variables"
              text={JSON.stringify(Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, safeJson(v)])))}
            />
          ) : (
            <p className="muted">None.</p>
          )}
        </div>
      )}
      {tab === 'events' && (
        <ol className="mini-events">
          {events.map((ev) => (
            <li key={ev.id}>
              <span className="muted">#{ev.id}</span> {ev.type}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function TableView({
  history,
  origins,
  iterationId,
  startedAt,
  endedAt,
  onSelect,
}: {
  history: ExecutionHistory;
  origins: Set<StateRun>;
  iterationId?: string;
  startedAt?: number;
  endedAt: number;
  onSelect: (name: string) => void;
}) {
  const runs = history.runsIn(iterationId);
  const start = startedAt ?? history.summary.startedAt ?? 0;
  const span = Math.max(0.001, endedAt - start);
  const slice = pageSlice(runs.length, 1, 500);
  return (
    <table className="table timeline" data-testid="state-table">
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Type</th>
          <th scope="col">Status</th>
          <th scope="col">Iteration</th>
          <th scope="col">Started after</th>
          <th scope="col">Duration</th>
          <th scope="col">Attempts</th>
          <th scope="col" className="bar-col">
            Timeline
          </th>
        </tr>
      </thead>
      <tbody>
        {runs.slice(slice.start, slice.end).map((run) => {
          const end = run.exitedAt ?? (run.open ? endedAt : run.enteredAt);
          const left = ((run.enteredAt - start) / span) * 100;
          const width = Math.max(0.5, ((end - run.enteredAt) / span) * 100);
          const retries = Math.max(0, run.attempts.length - 1);
          const status = origins.has(run) ? 'FAILED' : run.status;
          return (
            <tr key={run.enteredEventId} data-state={run.name} data-status={status}>
              <td>
                <button type="button" className="link" onClick={() => onSelect(run.name)}>
                  {run.name}
                </button>
              </td>
              <td>{run.stateType}</td>
              <td>
                <StatusBadge status={status} />
              </td>
              <td>{run.iteration?.id ?? ''}</td>
              <td>{formatDuration((run.enteredAt - start) * 1000)}</td>
              <td>
                {run.exitedAt !== undefined
                  ? formatDuration((run.exitedAt - run.enteredAt) * 1000)
                  : run.open
                    ? 'running'
                    : '—'}
              </td>
              <td>
                {run.attempts.length || ''}
                {retries > 0 &&
                  ` (${retries} retr${retries > 1 ? 'ies' : 'y'}; backoff ${run.attempts
                    .filter((a) => a.backoffSeconds !== undefined)
                    .map((a) => formatDuration((a.backoffSeconds ?? 0) * 1000))
                    .join(', ')})`}
              </td>
              <td className="bar-col">
                <div className="bar-track" title={StatusLabels[status]}>
                  <div
                    className={`bar status-${status.toLowerCase().replace('_', '-')}`}
                    style={{
                      left: `${Math.min(99.5, left)}%`,
                      width: `${Math.min(100 - Math.min(99.5, left), width)}%`,
                    }}
                  />
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function EventView({ history, loaded, startedAt }: { history: ExecutionHistory; loaded: boolean; startedAt?: number }) {
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const pageSize = 100;
  const events = history.events;
  const slice = pageSlice(events.length, page, pageSize);
  const names = useMemo(() => {
    const map = new Map<number, string>();
    for (const run of history.runs) for (const id of run.eventIds) map.set(id, run.name);
    return map;
  }, [history, history.version]);
  const toggle = (id: number) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  return (
    <div>
      <div className="pager">
        <button type="button" disabled={slice.page <= 1} onClick={() => setPage(slice.page - 1)}>
          Previous
        </button>
        <span>
          Page {slice.page} of {slice.pages} · {events.length} events{loaded ? '' : ' (loading…)'}
        </span>
        <button type="button" disabled={slice.page >= slice.pages} onClick={() => setPage(slice.page + 1)}>
          Next
        </button>
      </div>
      <table className="table events" data-testid="event-table">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Type</th>
            <th scope="col">Step</th>
            <th scope="col">Elapsed</th>
            <th scope="col">Timestamp</th>
          </tr>
        </thead>
        <tbody>
          {events.slice(slice.start, slice.end).flatMap((ev) => {
            const isOpen = open.has(ev.id);
            const rows = [
              <tr
                key={ev.id}
                data-event-type={ev.type}
                className={/Failed|TimedOut|Aborted/.test(ev.type) ? 'row-bad' : undefined}
              >
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-expanded={isOpen}
                    onClick={() => toggle(ev.id)}
                    aria-label={`Event ${ev.id} details`}
                  >
                    {isOpen ? '▾' : '▸'} {ev.id}
                  </button>
                </td>
                <td>{ev.type}</td>
                <td>{names.get(ev.id) ?? ''}</td>
                <td>{startedAt !== undefined ? formatDuration((ev.timestamp - startedAt) * 1000) : ''}</td>
                <td>
                  <When seconds={ev.timestamp} />
                </td>
              </tr>,
            ];
            if (isOpen) {
              rows.push(
                <tr key={`${ev.id}-details`} className="details-row">
                  <td colSpan={5}>
                    <pre className="json">{JSON.stringify(expandPayloads(ev), null, 2)}</pre>
                  </td>
                </tr>,
              );
            }
            return rows;
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Event details with their JSON-text payloads shown as JSON. */
function expandPayloads(event: HistoryEvent): unknown {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          (k === 'input' || k === 'output' || k === 'parameters') && typeof v === 'string' ? safeJson(v) : v,
        ]),
      );
    } else out[key] = value;
  }
  return out;
}
