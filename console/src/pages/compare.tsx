/**
 * Two executions side by side: the states each entered at the top level, aligned (where the paths
 * diverge is highlighted), and per state both outputs with the places they differ. Reached from
 * an execution page's "Compare with…" picker.
 */
import { useEffect, useMemo, useState } from 'react';
import { arnLabel, baseMachineArn, call, type Execution, type ExecutionListItem } from '../api.js';
import { alignPaths, jsonDiff } from '../compare-model.js';
import { ExecutionHistory, type StateRun } from '../history.js';
import { loadHistory } from '../pager.js';
import { href, navigate } from '../router.js';
import { ErrorBox, JsonBlock, StatusBadge, useAsync } from '../ui.js';

/** A picker of the other executions of the same state machine (and the original of a re-run). */
export function CompareWith({ execution }: { execution: Execution }) {
  const others = useAsync(
    () =>
      call<{ executions: ExecutionListItem[] }>('ListExecutions', {
        stateMachineArn: baseMachineArn(execution.stateMachineArn),
        maxResults: 100,
      }),
    [execution.stateMachineArn],
  );
  const [other, setOther] = useState('');
  const list = (others.data?.executions ?? []).filter((x) => x.executionArn !== execution.executionArn);
  return (
    <div className="form-row compare-with">
      <label>
        Compare with{' '}
        <select value={other} onChange={(e) => setOther(e.target.value)} data-testid="compare-picker">
          <option value="">another execution of this state machine…</option>
          {list.map((x) => (
            <option key={x.executionArn} value={x.executionArn}>
              {x.name} — {x.status.toLowerCase()}
            </option>
          ))}
        </select>
      </label>{' '}
      <button
        type="button"
        disabled={!other}
        onClick={() => navigate(href.compare(execution.executionArn, other))}
        data-testid="compare-go"
      >
        Compare
      </button>
    </div>
  );
}

function useFullHistory(arn: string) {
  const [state, setState] = useState<{ history?: ExecutionHistory; error?: Error }>({});
  useEffect(() => {
    let cancelled = false;
    const history = new ExecutionHistory();
    setState({});
    loadHistory({
      executionArn: arn,
      call: (action, body) => call(action, body),
      cancelled: () => cancelled,
      onPage: (events, done) => {
        history.add(events);
        if (done && !cancelled) setState({ history });
      },
    }).catch((e: unknown) => !cancelled && setState({ error: e as Error }));
    return () => {
      cancelled = true;
    };
  }, [arn]);
  return state;
}

const topLevel = (history: ExecutionHistory | undefined): StateRun[] =>
  (history?.runs ?? []).filter((r) => !r.parent && !r.iteration);

export function ComparePage({ a, b }: { a: string; b: string }) {
  const ea = useAsync(() => call<Execution>('DescribeExecution', { executionArn: a }), [a]);
  const eb = useAsync(() => call<Execution>('DescribeExecution', { executionArn: b }), [b]);
  const ha = useFullHistory(a);
  const hb = useFullHistory(b);
  const rows = useMemo(
    () => (ha.history && hb.history ? alignPaths(topLevel(ha.history), topLevel(hb.history)) : undefined),
    [ha.history, hb.history],
  );
  const diverges = rows?.findIndex((r) => !r.a || !r.b) ?? -1;
  const outputDiff = useMemo(() => jsonDiff(ea.data?.output, eb.data?.output), [ea.data?.output, eb.data?.output]);
  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> / <a href={href.execution(a)}>{arnLabel(a)}</a> vs{' '}
        <a href={href.execution(b)}>{arnLabel(b)}</a>
      </p>
      <h1>Compare executions</h1>
      <ErrorBox error={ea.error ?? eb.error ?? ha.error ?? hb.error} />
      {!rows && <p role="status">Loading both histories…</p>}
      {rows && (
        <p data-testid="divergence" className={diverges >= 0 ? 'diverged' : undefined}>
          {diverges < 0
            ? 'Both executions entered the same states in the same order.'
            : `The paths diverge after ${rows[diverges - 1]?.a?.name ?? 'the start'}: ${
                rows[diverges]?.a ? `A entered ${rows[diverges]?.a?.name}` : `B entered ${rows[diverges]?.b?.name}`
              }.`}
        </p>
      )}
      {rows && (
        <table className="table compare" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">
                A: <a href={href.execution(a)}>{ea.data?.name ?? arnLabel(a)}</a>{' '}
                {ea.data && <StatusBadge status={ea.data.status} />}
              </th>
              <th scope="col">
                B: <a href={href.execution(b)}>{eb.data?.name ?? arnLabel(b)}</a>{' '}
                {eb.data && <StatusBadge status={eb.data.status} />}
              </th>
              <th scope="col">Differences in the output</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const kind = !row.a ? 'only-b' : !row.b ? 'only-a' : row.outputsDiffer ? 'output-differs' : 'same';
              return (
                <tr
                  key={i}
                  data-state={row.a?.name ?? row.b?.name}
                  data-diff={kind}
                  className={`diff-${kind}${i === diverges ? ' first-divergence' : ''}`}
                >
                  <td>{row.a ? <Step run={row.a} label="A" /> : <span className="muted">(not entered)</span>}</td>
                  <td>{row.b ? <Step run={row.b} label="B" /> : <span className="muted">(not entered)</span>}</td>
                  <td>{row.a && row.b ? <Differences a={row.a.output} b={row.b.output} /> : '—'}</td>
                </tr>
              );
            })}
            <tr data-state="(execution output)" data-diff={outputDiff.length ? 'output-differs' : 'same'}>
              <td>
                <strong>Execution output</strong>
                <JsonBlock label="A execution output" text={ea.data?.output ?? ea.data?.error} />
              </td>
              <td>
                <strong>Execution output</strong>
                <JsonBlock label="B execution output" text={eb.data?.output ?? eb.data?.error} />
              </td>
              <td>
                <Differences a={ea.data?.output} b={eb.data?.output} />
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}

function Step({ run, label }: { run: StateRun; label: string }) {
  return (
    <div>
      <strong>{run.name}</strong> <StatusBadge status={run.status} /> <span className="muted">{run.stateType}</span>
      <JsonBlock label={`${label} ${run.name} output`} text={run.output} />
    </div>
  );
}

function Differences({ a, b }: { a?: string; b?: string }) {
  const diffs = jsonDiff(a, b);
  if (diffs.length === 0) return <span className="muted">same</span>;
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return (
    <ul className="differences" data-testid="differences">
      {diffs.map((d) => (
        <li key={d.path} data-path={d.path}>
          <code>{d.path}</code>:{' '}
          {d.kind === 'only-a' ? (
            <>
              <del>{show(d.a)}</del> only in A
            </>
          ) : d.kind === 'only-b' ? (
            <>
              <ins>{show(d.b)}</ins> only in B
            </>
          ) : (
            <>
              <del>{show(d.a)}</del> → <ins>{show(d.b)}</ins>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
