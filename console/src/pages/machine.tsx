import { useMemo, useState } from 'react';
import {
  ExecutionStatuses,
  call,
  formatDate,
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
import { ErrorBox, Field, StatusBadge, Tabs, useAsync } from '../ui.js';

type Tab = 'graph' | 'definition' | 'versions' | 'executions';

export function MachinePage({ arn, tab }: { arn: string; tab?: string }) {
  const current: Tab = tab === 'definition' || tab === 'versions' || tab === 'executions' ? tab : 'graph';
  const machine = useAsync(() => call<StateMachine>('DescribeStateMachine', { stateMachineArn: arn }), [arn]);
  const graph = useMemo(
    () => buildGraph(parseDefinitionText(machine.data?.definition ?? '{}')),
    [machine.data?.definition],
  );
  const m = machine.data;
  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> / {m?.name ?? '…'}
      </p>
      <div className="page-head">
        <h1>{m?.name ?? 'State machine'}</h1>
        <div className="actions">
          <a className="button" href={href.edit(arn)}>
            Edit
          </a>
          <a className="button primary" href={href.start(arn)}>
            Start execution
          </a>
        </div>
      </div>
      <ErrorBox error={machine.error} />
      {m && (
        <dl className="facts">
          <Field label="Type">{m.type}</Field>
          <Field label="Created">{formatDate(m.creationDate)}</Field>
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
      {current === 'executions' && <ExecutionsView arn={arn} />}
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
  return (
    <div className="two-col">
      <div>
        <h2>Versions</h2>
        <ErrorBox error={data.error} />
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Description</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {data.data?.versions.map((v) => (
              <tr key={v.stateMachineVersionArn}>
                <td>
                  <a href={href.machine(v.stateMachineVersionArn)}>{qualifier(v.stateMachineVersionArn)}</a>
                </td>
                <td>{v.description ?? ''}</td>
                <td>{formatDate(v.creationDate)}</td>
              </tr>
            ))}
            {data.data?.versions.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
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
                <td>{formatDate(a.creationDate)}</td>
              </tr>
            ))}
            {data.data?.aliases.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
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
      </div>
      <ErrorBox error={data.error} />
      <table className="table" aria-busy={data.loading}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {data.data?.executions.map((e) => (
            <tr key={e.executionArn}>
              <td>
                <a href={href.execution(e.executionArn)}>{e.name}</a>
              </td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>{formatDate(e.startDate)}</td>
              <td>{e.stopDate ? formatDuration((e.stopDate - e.startDate) * 1000) : '—'}</td>
            </tr>
          ))}
          {data.data?.executions.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
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
