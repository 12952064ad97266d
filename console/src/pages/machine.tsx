import { useMemo, useState } from 'react';
import { ExpressExecutionsView } from './express.js';
import {
  ExecutionStatuses,
  baseMachineArn,
  call,
  formatDuration,
  listAll,
  qualifier,
  type AliasDetail,
  type ExecutionListItem,
  type ExecutionStatus,
  type StateMachine,
  type Version,
} from '../api.js';
import { formatDefinition, parseDefinitionText, type Format } from '../definition.js';
import { GraphView } from '../graph/GraphView.js';
import { buildGraph } from '../graph/model.js';
import { href, navigate } from '../router.js';
import { ConfirmButton, ErrorBox, Field, StatusBadge, Tabs, When, useAsync } from '../ui.js';

type Tab = 'graph' | 'definition' | 'versions' | 'executions';

export function MachinePage({ arn, tab }: { arn: string; tab?: string }) {
  const current: Tab = tab === 'definition' || tab === 'versions' || tab === 'executions' ? tab : 'graph';
  const machine = useAsync(() => call<StateMachine>('DescribeStateMachine', { stateMachineArn: arn }), [arn]);
  const graph = useMemo(
    () => buildGraph(parseDefinitionText(machine.data?.definition ?? '{}')),
    [machine.data?.definition],
  );
  const m = machine.data;
  const [deleteError, setDeleteError] = useState<Error | undefined>();
  const isVersion = qualifier(arn) !== undefined;
  const remove = async () => {
    setDeleteError(undefined);
    try {
      await call(isVersion ? 'DeleteStateMachineVersion' : 'DeleteStateMachine', {
        [isVersion ? 'stateMachineVersionArn' : 'stateMachineArn']: arn,
      });
      navigate(isVersion ? href.machine(baseMachineArn(arn), 'versions') : href.machines());
    } catch (e) {
      setDeleteError(e as Error);
    }
  };
  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> / {m?.name ?? '…'}
      </p>
      <div className="page-head">
        <h1>{m?.name ?? 'State machine'}</h1>
        <div className="actions">
          <ConfirmButton
            label={isVersion ? 'Delete version' : 'Delete'}
            question={
              isVersion
                ? `Delete version ${qualifier(arn)}? Its executions stay; an alias that routes to it must be changed first.`
                : `Delete ${m?.name ?? 'this state machine'}, its versions and aliases? Running executions go on to their end.`
            }
            confirm={isVersion ? 'Delete version' : 'Delete state machine'}
            onConfirm={remove}
            disabled={!m}
          />
          <a className="button" href={href.edit(arn)}>
            Edit
          </a>
          <a className="button primary" href={href.start(arn)}>
            Start execution
          </a>
        </div>
      </div>
      <ErrorBox error={machine.error ?? deleteError} />
      {m && (
        <dl className="facts">
          <Field label="Type">{m.type}</Field>
          <Field label="Created">
            <When seconds={m.creationDate} />
          </Field>
          <Field label="ARN">
            <code className="arn">{m.stateMachineArn}</code>
          </Field>
          <Field label="Role">
            <code className="arn">{m.roleArn}</code>
          </Field>
          {m.description && <Field label="Description">{m.description}</Field>}
        </dl>
      )}
      <Tabs
        label="State machine"
        value={current}
        onChange={(t) => navigate(href.machine(arn, t === 'graph' ? undefined : t))}
        tabs={
          [
            ['graph', 'Graph'],
            ['definition', 'Definition'],
            ['versions', 'Versions and aliases'],
            ['executions', 'Executions'],
          ] as const
        }
      />
      {current === 'graph' && m && <GraphView graph={graph} exportName={m.name} height={560} />}
      {current === 'definition' && m && <DefinitionView definition={m.definition} />}
      {current === 'versions' && <VersionsView arn={arn} />}
      {current === 'executions' && m?.type === 'EXPRESS' && <ExpressExecutionsView arn={baseMachineArn(arn)} />}
      {current === 'executions' && m && m.type !== 'EXPRESS' && <ExecutionsView arn={arn} />}
    </section>
  );
}

function DefinitionView({ definition }: { definition: string }) {
  const [format, setFormat] = useState<Format>('json');
  const text = useMemo(() => formatDefinition(definition, format), [definition, format]);
  return (
    <div>
      <Tabs
        label="Format"
        value={format}
        onChange={setFormat}
        tabs={
          [
            ['json', 'JSON'],
            ['yaml', 'YAML'],
          ] as const
        }
      />
      <pre className="code" tabIndex={0} aria-label={`Definition (${format.toUpperCase()})`}>
        {text}
      </pre>
    </div>
  );
}

function VersionsView({ arn }: { arn: string }) {
  const data = useAsync(async () => {
    const versions = await listAll<Version>('ListStateMachineVersions', 'stateMachineVersions', {
      stateMachineArn: arn,
    });
    const aliasRefs = await listAll<{ stateMachineAliasArn: string }>(
      'ListStateMachineAliases',
      'stateMachineAliases',
      { stateMachineArn: arn },
    );
    const aliases = await Promise.all(
      aliasRefs.map((a) =>
        call<AliasDetail>('DescribeStateMachineAlias', { stateMachineAliasArn: a.stateMachineAliasArn }),
      ),
    );
    const described = await Promise.all(
      versions.map((v) =>
        call<StateMachine & { description?: string }>('DescribeStateMachine', {
          stateMachineArn: v.stateMachineVersionArn,
        }).catch(() => undefined),
      ),
    );
    return { versions: versions.map((v, i) => ({ ...v, description: described[i]?.description })), aliases };
  }, [arn]);
  const [actionError, setActionError] = useState<Error | undefined>();
  const remove = async (
    action: 'DeleteStateMachineVersion' | 'DeleteStateMachineAlias',
    body: Record<string, string>,
  ) => {
    setActionError(undefined);
    try {
      await call(action, body);
      data.reload();
    } catch (e) {
      setActionError(e as Error);
    }
  };
  return (
    <div className="two-col">
      <div>
        <h2>Versions</h2>
        <ErrorBox error={data.error ?? actionError} />
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Description</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.data?.versions.map((v) => (
              <tr key={v.stateMachineVersionArn}>
                <td>
                  <a href={href.machine(v.stateMachineVersionArn)}>{qualifier(v.stateMachineVersionArn)}</a>
                </td>
                <td>{v.description ?? ''}</td>
                <td>
                  <When seconds={v.creationDate} />
                </td>
                <td>
                  <ConfirmButton
                    label="Delete"
                    question={`Delete version ${qualifier(v.stateMachineVersionArn)}?`}
                    confirm="Delete version"
                    onConfirm={() =>
                      remove('DeleteStateMachineVersion', { stateMachineVersionArn: v.stateMachineVersionArn })
                    }
                  />
                </td>
              </tr>
            ))}
            {data.data?.versions.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No versions published. Publish one when you save from the editor.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div>
        <h2>Aliases</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Routing</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.data?.aliases.map((a) => (
              <tr key={a.stateMachineAliasArn}>
                <td>{a.name}</td>
                <td>
                  {a.routingConfiguration
                    .map((r) => `v${qualifier(r.stateMachineVersionArn)}: ${r.weight}%`)
                    .join(', ')}
                </td>
                <td>
                  <When seconds={a.creationDate} />
                </td>
                <td>
                  <ConfirmButton
                    label="Delete"
                    question={`Delete alias ${a.name}?`}
                    confirm="Delete alias"
                    onConfirm={() =>
                      remove('DeleteStateMachineAlias', { stateMachineAliasArn: a.stateMachineAliasArn })
                    }
                  />
                </td>
              </tr>
            ))}
            {data.data?.aliases.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No aliases.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function ExecutionsView({ arn }: { arn: string }) {
  const [filter, setFilter] = useState<ExecutionStatus | ''>('');
  const [pages, setPages] = useState<string[]>([]);
  const token = pages.at(-1);
  const data = useAsync(
    () =>
      call<{ executions: ExecutionListItem[]; nextToken?: string }>('ListExecutions', {
        stateMachineArn: arn,
        maxResults: 50,
        ...(filter ? { statusFilter: filter } : {}),
        ...(token ? { nextToken: token } : {}),
      }),
    [arn, filter, token],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [stopping, setStopping] = useState<string | undefined>();
  const [stopErrors, setStopErrors] = useState<string[]>([]);
  const running = (data.data?.executions ?? []).filter((e) => e.status === 'RUNNING');
  const chosen = running.filter((e) => selected.has(e.executionArn));
  // Any two ticked executions (whatever their status) can be compared side by side.
  const pair = (data.data?.executions ?? []).filter((e) => selected.has(e.executionArn));
  const toggle = (executionArn: string) => {
    const next = new Set(selected);
    if (next.has(executionArn)) next.delete(executionArn);
    else next.add(executionArn);
    setSelected(next);
  };
  const stopSelected = async () => {
    const errors: string[] = [];
    let done = 0;
    setStopErrors([]);
    // A few at a time: StopExecution is cheap, but a page holds up to 50.
    const queue = [...chosen];
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        try {
          await call('StopExecution', { executionArn: e.executionArn });
        } catch (err) {
          errors.push(`${e.name}: ${(err as Error).name}: ${(err as Error).message}`);
        }
        setStopping(`Stopping… ${++done} of ${chosen.length}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    setStopping(
      `Stopped ${chosen.length - errors.length} of ${chosen.length} execution${chosen.length === 1 ? '' : 's'}.`,
    );
    setStopErrors(errors);
    setSelected(new Set());
    data.reload();
  };
  return (
    <div>
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
        <button type="button" onClick={data.reload}>
          Refresh
        </button>
        <ConfirmButton
          label={`Stop selected (${chosen.length})`}
          question={`Stop ${chosen.length} running execution${chosen.length === 1 ? '' : 's'}? They end ABORTED.`}
          confirm="Stop them"
          disabled={chosen.length === 0}
          onConfirm={stopSelected}
        />
        <button
          type="button"
          disabled={pair.length !== 2}
          title="Tick two executions to see them side by side"
          onClick={() => pair.length === 2 && navigate(href.compare(pair[0]!.executionArn, pair[1]!.executionArn))}
        >
          Compare selected
        </button>
      </div>
      {stopping && (
        <p role="status" data-testid="stop-status">
          {stopping}
        </p>
      )}
      {stopErrors.length > 0 && <ErrorBox error={stopErrors.join('\n')} />}
      <ErrorBox error={data.error} />
      <table className="table" aria-busy={data.loading}>
        <thead>
          <tr>
            <th scope="col" className="select-col">
              <input
                type="checkbox"
                aria-label="Select every running execution on this page"
                checked={running.length > 0 && chosen.length === running.length}
                disabled={running.length === 0}
                onChange={(ev) =>
                  setSelected(ev.target.checked ? new Set(running.map((r) => r.executionArn)) : new Set())
                }
              />
            </th>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {data.data?.executions.map((e) => (
            <tr key={e.executionArn} data-execution={e.name}>
              <td className="select-col">
                <input
                  type="checkbox"
                  aria-label={`Select ${e.name}`}
                  checked={selected.has(e.executionArn)}
                  onChange={() => toggle(e.executionArn)}
                />
              </td>
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
          {data.data?.executions.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No executions{filter ? ` with status ${filter}` : ''}.
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
