import { useState } from 'react';
import { call, listAll, type StateMachineListItem } from '../api.js';
import { href } from '../router.js';
import { ErrorBox, useAsync, When } from '../ui.js';

interface Row extends StateMachineListItem {
  versions: number;
  aliases: number;
}

export function MachinesPage() {
  const [query, setQuery] = useState('');
  const { data, error, loading, reload } = useAsync(async () => {
    const machines = await listAll<StateMachineListItem>('ListStateMachines', 'stateMachines');
    return Promise.all(
      machines.map(async (m): Promise<Row> => {
        const [versions, aliases] = await Promise.all([
          call<{ stateMachineVersions?: unknown[] }>('ListStateMachineVersions', {
            stateMachineArn: m.stateMachineArn,
            maxResults: 1000,
          }).catch(() => ({ stateMachineVersions: [] })),
          call<{ stateMachineAliases?: unknown[] }>('ListStateMachineAliases', {
            stateMachineArn: m.stateMachineArn,
            maxResults: 100,
          }).catch(() => ({ stateMachineAliases: [] })),
        ]);
        return {
          ...m,
          versions: versions.stateMachineVersions?.length ?? 0,
          aliases: aliases.stateMachineAliases?.length ?? 0,
        };
      }),
    );
  }, []);
  const rows = (data ?? []).filter((m) => m.name.toLowerCase().includes(query.trim().toLowerCase()));
  return (
    <section>
      <div className="page-head">
        <h1>State machines</h1>
        <div className="actions">
          <button type="button" onClick={reload}>
            Refresh
          </button>
          <a className="button primary" href={href.create()}>
            Create state machine
          </a>
        </div>
      </div>
      <label className="search">
        <span className="sr-only">Search state machines</span>
        <input type="search" placeholder="Search by name" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      <ErrorBox error={error} />
      <table className="table" aria-busy={loading}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Versions</th>
            <th scope="col">Aliases</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.stateMachineArn}>
              <td>
                <a href={href.machine(m.stateMachineArn)}>{m.name}</a>
              </td>
              <td>{m.type}</td>
              <td>{m.versions}</td>
              <td>{m.aliases}</td>
              <td>
                <When seconds={m.creationDate} />
              </td>
            </tr>
          ))}
          {!loading && rows.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {data?.length ? 'No state machine matches.' : 'No state machines yet.'}{' '}
                <a href={href.create()}>Create one</a>.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
