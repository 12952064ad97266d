/**
 * A Distributed Map's run (issue 11): its status and limits, its items and child executions by
 * status as progress bars kept current while it runs (DescribeMapRun once a second, until the
 * run ends), the failed children with their errors, the children listed page by page
 * (ListExecutions by mapRunArn), and UpdateMapRun for a running run's limits.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  ExecutionStatuses,
  arnLabel,
  baseMachineArn,
  call,
  formatDuration,
  type Execution,
  type ExecutionListItem,
  type ExecutionStatus,
} from '../api.js';
import type { ExecutionHistory } from '../history.js';
import {
  finishedOf,
  mapRunArns,
  mapRunLabel,
  progressSegments,
  segmentKeys,
  segmentLabels,
  updateRequest,
  type MapRun,
  type MapRunCounts,
  type UpdateForm,
} from '../map-run-model.js';
import { href } from '../router.js';
import { ErrorBox, Field, FoldText, StatusBadge, When, useAsync } from '../ui.js';

/**
 * DescribeMapRun, again a second after each answer while the run is RUNNING (and after a failed
 * request while it was: the last answer stays on the page, with the error), until it ends.
 */
function useMapRun(arn: string): { data?: MapRun; error?: Error; reload: () => void } {
  const [state, setState] = useState<{ data?: MapRun; error?: Error }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    const load = async () => {
      try {
        const data = await call<MapRun>('DescribeMapRun', { mapRunArn: arn });
        if (!live) return;
        setState({ data });
        running = data.status === 'RUNNING';
      } catch (err) {
        if (!live) return;
        setState((s) => ({ ...s, error: err as Error }));
      }
      if (running) timer = setTimeout(() => void load(), 1000);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [arn, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function MapRunPage({ arn }: { arn: string }) {
  const run = useMapRun(arn);
  const parent = useAsync(
    () =>
      run.data
        ? call<Execution>('DescribeExecution', { executionArn: run.data.executionArn })
        : Promise.resolve(undefined),
    [run.data?.executionArn],
  );
  const [now, setNow] = useState(() => Date.now());
  const r = run.data;
  useEffect(() => {
    if (r?.status !== 'RUNNING') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [r?.status]);
  const label = mapRunLabel(arn);
  // The listings follow the counts: a child that ends changes them.
  const countsKey = r ? JSON.stringify(r.executionCounts) : '';
  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> /{' '}
        {parent.data && (
          <>
            <a href={href.machine(baseMachineArn(parent.data.stateMachineArn))}>
              {arnLabel(baseMachineArn(parent.data.stateMachineArn))}
            </a>{' '}
            /{' '}
          </>
        )}
        {r ? <a href={href.execution(r.executionArn)}>{parent.data?.name ?? arnLabel(r.executionArn)}</a> : '…'} / Map
        Run {label}
      </p>
      <div className="page-head">
        <h1>
          Map Run {label} {r && <StatusBadge status={r.status} />}
        </h1>
      </div>
      <ErrorBox error={run.error} />
      {r && (
        <>
          <dl className="facts">
            <Field label="Status">
              <span data-testid="map-run-status">{r.status}</span>
            </Field>
            <Field label="Started">
              <When seconds={r.startDate} />
            </Field>
            <Field label="Stopped">
              <When seconds={r.stopDate} />
            </Field>
            <Field label="Duration">{formatDuration(((r.stopDate ?? now / 1000) - r.startDate) * 1000)}</Field>
            <Field label="Parent execution">
              <a href={href.execution(r.executionArn)} data-testid="parent-execution">
                {parent.data?.name ?? arnLabel(r.executionArn)}
              </a>
            </Field>
            <Field label="MaxConcurrency">
              <span data-testid="max-concurrency">
                {r.maxConcurrency === 0 ? '0 (no limit set: up to 10,000)' : r.maxConcurrency}
              </span>
            </Field>
            <Field label="ToleratedFailureCount">
              <span data-testid="tolerated-failure-count">{r.toleratedFailureCount}</span>
            </Field>
            <Field label="ToleratedFailurePercentage">
              <span data-testid="tolerated-failure-percentage">{r.toleratedFailurePercentage}</span>
            </Field>
            {(r.redriveCount ?? 0) > 0 && <Field label="Redrives">{r.redriveCount}</Field>}
            <Field label="ARN" wide>
              <code className="arn">{r.mapRunArn}</code>
            </Field>
          </dl>
          <Progress title="Items" name="items" counts={r.itemCounts} />
          <Progress title="Child executions" name="executions" counts={r.executionCounts} />
          <UpdateControl run={r} onUpdated={run.reload} />
          <Failures arn={arn} counts={r.executionCounts} />
          <Children arn={arn} counts={r.executionCounts} refresh={countsKey} />
        </>
      )}
    </section>
  );
}

/** A stacked bar of the counts by status, and the counts themselves. */
function Progress({ title, name, counts }: { title: string; name: string; counts: MapRunCounts }) {
  const segments = progressSegments(counts);
  const { done, total } = finishedOf(counts);
  return (
    <div className="map-progress" data-testid={`${name}-progress`}>
      <h2>
        {title}{' '}
        <span className="muted">
          {done} of {total} finished
        </span>
      </h2>
      <div
        className="progress-bar"
        role="img"
        aria-label={`${title}: ${segments.map((s) => `${s.count} ${segmentLabels[s.key].toLowerCase()}`).join(', ') || 'none yet'}`}
      >
        {segments.map((s) => (
          <span
            key={s.key}
            className={`progress-segment seg-${s.key}`}
            style={{ width: `${s.percent}%` }}
            title={`${segmentLabels[s.key]}: ${s.count}`}
            data-segment={s.key}
          />
        ))}
      </div>
      <dl className="progress-counts">
        {segmentKeys.map((key) => (
          <div key={key}>
            <dt>
              <span className={`swatch seg-${key}`} aria-hidden />
              {segmentLabels[key]}
            </dt>
            <dd data-count={key}>{counts[key]}</dd>
          </div>
        ))}
        <div>
          <dt>Total</dt>
          <dd data-count="total">{counts.total}</dd>
        </div>
      </dl>
    </div>
  );
}

const emptyForm: UpdateForm = { maxConcurrency: '', toleratedFailureCount: '', toleratedFailurePercentage: '' };

/** UpdateMapRun: the fields filled in are changed, the others kept; the server's refusal shown as it is. */
function UpdateControl({ run, onUpdated }: { run: MapRun; onUpdated: () => void }) {
  const [form, setForm] = useState<UpdateForm>(emptyForm);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const running = run.status === 'RUNNING';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const request = updateRequest(run.mapRunArn, form);
    if ('error' in request) return setError(request.error);
    setBusy(true);
    try {
      await call('UpdateMapRun', request.body);
      setDone('Updated: a running run takes its new limits within a second.');
      setForm(emptyForm);
      onUpdated();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const input = (key: keyof UpdateForm, label: string, current: number) => (
    <label>
      {label}
      <input
        type="number"
        name={key}
        step={key === 'toleratedFailurePercentage' ? 'any' : 1}
        value={form[key]}
        placeholder={String(current)}
        disabled={!running || busy}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <form className="map-run-update" aria-label="Update the Map Run" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Update</h2>
      <p className="muted">
        {running
          ? 'Change a running run’s limits; the fields left blank keep their value.'
          : 'Only a running Map Run can be changed.'}
      </p>
      <div className="form-row">
        {input('maxConcurrency', 'MaxConcurrency', run.maxConcurrency)}
        {input('toleratedFailureCount', 'ToleratedFailureCount', run.toleratedFailureCount)}
        {input('toleratedFailurePercentage', 'ToleratedFailurePercentage', run.toleratedFailurePercentage)}
        <button type="submit" className="primary" disabled={!running || busy}>
          Update
        </button>
      </div>
      <ErrorBox error={error} />
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
    </form>
  );
}

/** Failed children shown with their errors: at most this many of each failing status. */
const FAILURES_SHOWN = 10;

/** The first failed and timed-out children, each described for its error and cause. */
function Failures({ arn, counts }: { arn: string; counts: MapRunCounts }) {
  const failing = counts.failed + counts.timedOut;
  const data = useAsync(async () => {
    const statuses = (['FAILED', 'TIMED_OUT'] as const).filter((s) => counts[s === 'FAILED' ? 'failed' : 'timedOut']);
    const pages = await Promise.all(
      statuses.map((statusFilter) =>
        call<{ executions: ExecutionListItem[] }>('ListExecutions', {
          mapRunArn: arn,
          statusFilter,
          maxResults: FAILURES_SHOWN,
        }),
      ),
    );
    return Promise.all(
      pages
        .flatMap((p) => p.executions)
        .map((e) => call<Execution>('DescribeExecution', { executionArn: e.executionArn }).catch(() => e as Execution)),
    );
  }, [arn, counts.failed, counts.timedOut]);
  if (failing === 0) return null;
  const shown = data.data ?? [];
  return (
    <div className="map-run-failures">
      <h2>
        Failures{' '}
        <span className="muted">
          {shown.length < failing ? `the first ${shown.length} of ${failing}` : `${failing}`}
        </span>
      </h2>
      <ErrorBox error={data.error} />
      {shown.length === 0 && !data.loading && (
        <p className="muted">
          No failed child is listed: EXPRESS children run in memory and are not listed, as on AWS.
        </p>
      )}
      {shown.length > 0 && (
        <table className="table" data-testid="failures">
          <thead>
            <tr>
              <th scope="col">Child execution</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
              <th scope="col">Cause</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.executionArn} data-execution={e.name}>
                <td>
                  <a href={href.execution(e.executionArn)}>{e.name}</a>
                </td>
                <td>
                  <StatusBadge status={e.status} />
                </td>
                <td>
                  <code data-testid="failure-error">{e.error ?? ''}</code>
                </td>
                <td data-testid="failure-cause">{e.cause ? <FoldText text={e.cause} chars={240} /> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The run's child executions, 50 to a page, by status if asked; listed again when the counts change. */
function Children({ arn, counts, refresh }: { arn: string; counts: MapRunCounts; refresh: string }) {
  const [filter, setFilter] = useState<ExecutionStatus | ''>('');
  const [pages, setPages] = useState<string[]>([]);
  const token = pages.at(-1);
  const data = useAsync(
    () =>
      call<{ executions: ExecutionListItem[]; nextToken?: string }>('ListExecutions', {
        mapRunArn: arn,
        maxResults: 50,
        ...(filter ? { statusFilter: filter } : {}),
        ...(token ? { nextToken: token } : {}),
      }),
    [arn, filter, token, refresh],
  );
  const listed = data.data?.executions;
  return (
    <div className="map-run-children">
      <h2>Child executions</h2>
      <div className="filters" role="group" aria-label="Status filter">
        {(['', ...ExecutionStatuses] as const).map((s) => (
          <button
            key={s || 'all'}
            type="button"
            aria-pressed={filter === s}
            className={filter === s ? 'active' : ''}
            onClick={() => {
              setFilter(s);
              setPages([]);
            }}
          >
            {s ? s.replace('_', ' ').toLowerCase() : 'all'}
          </button>
        ))}
      </div>
      <ErrorBox error={data.error} />
      <table className="table" aria-busy={data.loading} data-testid="children">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {listed?.map((e) => (
            <tr key={e.executionArn} data-execution={e.name} data-status={e.status}>
              <td>
                <a href={href.execution(e.executionArn)}>{e.name}</a>
              </td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>
                <When seconds={e.startDate} />
              </td>
              <td>{e.stopDate ? formatDuration((e.stopDate - e.startDate) * 1000) : '—'}</td>
            </tr>
          ))}
          {listed?.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {filter
                  ? `No child executions with status ${filter}.`
                  : counts.total > 0 && pages.length === 0
                    ? 'No child executions listed: EXPRESS children run in memory and are not listed, as on AWS.'
                    : 'No child executions yet.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          disabled={!data.data?.nextToken}
          onClick={() => data.data?.nextToken && setPages([...pages, data.data.nextToken])}
        >
          Next
        </button>
      </div>
    </div>
  );
}

/**
 * The execution page's links: a child's Map Run (DescribeExecution's mapRunArn), and the Map Runs
 * a parent started (its MapRunStarted events, so a run appears as soon as the live history has it).
 */
export function MapRunLinks({
  mapRunArn,
  history,
  version,
}: {
  mapRunArn?: string;
  history: ExecutionHistory;
  version: number;
}) {
  const started = useMemo(() => mapRunArns(history.events), [history, version]);
  return (
    <>
      {mapRunArn && (
        <Field label="Map Run">
          <a href={href.mapRun(mapRunArn)} data-testid="map-run-link">
            {mapRunLabel(mapRunArn)}
          </a>
        </Field>
      )}
      {started.length > 0 && (
        <Field label={started.length === 1 ? 'Map Run' : 'Map Runs'}>
          {started.map((m) => (
            <a key={m} href={href.mapRun(m)} data-testid="map-run-link">
              {mapRunLabel(m)}
            </a>
          ))}
        </Field>
      )}
    </>
  );
}
