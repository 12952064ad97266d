import { useEffect, useState } from 'react';
import { formatDate, getJson, type ClusterNodes } from '../api.js';
import { ErrorBox, StatusBadge } from '../ui.js';

const REFRESH_MS = 2000;

/** The id GET /cluster/nodes reports for a server running alone (not sharing a database). */
const LOCAL_NODE_ID = 'local';

/** The counters a cluster node reports, in this order; any other key follows, alphabetically. */
const KNOWN_STATS = ['stepsCommitted', 'executionsClaimed', 'executionsTakenOver', 'signalsForwarded', 'leasesLost'];

/** "executionsTakenOver" → "Executions taken over". */
function statLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** How long ago, coarsely: "just now", "2 s ago", "5 min ago", "3 h ago", "2 d ago". */
function formatAgo(ms: number): string {
  if (ms < 1000) return 'just now';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Only http(s) addresses become links (the address comes from the database, not from this server). */
function isWebAddress(address: string): boolean {
  return /^https?:\/\//i.test(address);
}

/** GET /cluster/nodes now and every REFRESH_MS after each answer, until the page closes; the last good answer survives a failed one. */
function useClusterNodes(): { data?: ClusterNodes; error?: Error; updatedAt?: number } {
  const [state, setState] = useState<{ data?: ClusterNodes; error?: Error; updatedAt?: number }>({});
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const data = await getJson<ClusterNodes>('/cluster/nodes', abort.signal);
        setState({ data, updatedAt: Date.now() });
      } catch (error) {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)) }));
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, []);
  return state;
}

export function ClusterPage() {
  const { data, error, updatedAt } = useClusterNodes();
  const now = Date.now();
  const nodes = data?.nodes ?? [];
  const statKeys = [
    ...KNOWN_STATS.filter((k) => nodes.some((n) => k in n.stats)),
    ...[...new Set(nodes.flatMap((n) => Object.keys(n.stats)))].filter((k) => !KNOWN_STATS.includes(k)).sort(),
  ];
  const alive = nodes.filter((n) => n.alive).length;
  const columns = 6 + statKeys.length;
  return (
    <section>
      <div className="page-head">
        <h1>Cluster</h1>
        <p className="muted">
          Refreshes every {REFRESH_MS / 1000} s
          {updatedAt !== undefined && <> · updated {new Date(updatedAt).toLocaleTimeString()}</>}
        </p>
      </div>
      {error && (
        <ErrorBox
          error={`Could not load the nodes (GET /cluster/nodes): ${error.message.replace(/\.$/, '')}. ${data ? 'Showing the last answer; retrying' : 'Retrying'} every ${REFRESH_MS / 1000} s.`}
        />
      )}
      {data && (
        <p aria-live="polite" data-testid="cluster-summary">
          {nodes.length === 1 ? '1 node' : `${nodes.length} nodes`}, {alive} alive.
          {data.self === LOCAL_NODE_ID && <span className="muted"> This server runs alone, not in a cluster.</span>}
        </p>
      )}
      <table className="table" aria-busy={!data && !error} data-testid="cluster-nodes">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Address</th>
            <th scope="col">Status</th>
            <th scope="col">Last heartbeat</th>
            <th scope="col">Started</th>
            <th scope="col">Executions held</th>
            {statKeys.map((k) => (
              <th scope="col" key={k} data-stat={k}>
                {statLabel(k)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.id} data-node={n.id} data-alive={String(n.alive)} className={n.alive ? undefined : 'row-dead'}>
              <td>
                <code>{n.id}</code>{' '}
                {n.id === data?.self && (
                  <span className="badge badge-self" title="The node that answers this page's requests">
                    this node
                  </span>
                )}
              </td>
              <td>
                {n.address === undefined ? (
                  <span className="muted">—</span>
                ) : isWebAddress(n.address) ? (
                  <a href={n.address}>{n.address}</a>
                ) : (
                  <code>{n.address}</code>
                )}
              </td>
              <td>
                <span title={`${n.alive ? 'Lease until' : 'Lease expired'} ${formatDate(n.leaseUntil / 1000)}`}>
                  <StatusBadge status={n.alive ? 'alive' : 'dead'} />
                </span>
              </td>
              <td>
                <time dateTime={new Date(n.heartbeatAt).toISOString()} title={formatDate(n.heartbeatAt / 1000)}>
                  {formatAgo(Math.max(0, now - n.heartbeatAt))}
                </time>
              </td>
              <td>
                <time dateTime={new Date(n.startedAt).toISOString()}>{formatDate(n.startedAt / 1000)}</time>
              </td>
              <td>{n.executions.toLocaleString()}</td>
              {statKeys.map((k) => (
                <td key={k} data-stat={k}>
                  {n.stats[k] === undefined ? <span className="muted">—</span> : n.stats[k].toLocaleString()}
                </td>
              ))}
            </tr>
          ))}
          {!data && (
            <tr>
              <td colSpan={columns} className="muted">
                {error ? 'No answer from the server.' : 'Loading…'}
              </td>
            </tr>
          )}
          {data && nodes.length === 0 && (
            <tr>
              <td colSpan={columns} className="muted">
                No nodes listed.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
