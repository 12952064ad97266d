/**
 * Start an execution: a name (optional) and the input, checked as JSON while typed. When the server
 * has a mock configuration (--mock-config) that names this state machine, one of its test cases can
 * be chosen (GET /console/api/mocks): the start goes to `<stateMachineArn>#<TestCase>`, Step
 * Functions Local's convention, through StartExecution (StartSyncExecution takes no test case).
 */
import { useMemo, useState } from 'react';
import { call, formatDuration, getJson, type StateMachine } from '../api.js';
import { CodeEditor, type Marker } from '../code-editor.js';
import { href, navigate } from '../router.js';
import { ErrorBox, FoldText, JsonBlock, StatusBadge, When, useAsync } from '../ui.js';

interface SyncResult {
  executionArn: string;
  name?: string;
  status: string;
  startDate: number;
  stopDate: number;
  output?: string;
  error?: string;
  cause?: string;
}

export const PREFILL_KEY = 'stepwise.start.input';

/** GET /console/api/mocks?stateMachineName=… */
interface MocksAnswer {
  configured: boolean;
  stateMachines: { stateMachineName: string; testCases: string[] }[];
}

/** Where JSON.parse stopped, as a line and column marker. */
export function jsonMarker(text: string): Marker | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const lc = /line (\d+) column (\d+)/.exec(message);
    let line = 1;
    let column = 1;
    if (lc) {
      line = Number(lc[1]);
      column = Number(lc[2]);
    } else {
      const pos = /position (\d+)/.exec(message);
      const offset = pos ? Number(pos[1]) : text.length;
      const before = text.slice(0, offset).split('\n');
      line = before.length;
      column = before[before.length - 1].length + 1;
    }
    return {
      line,
      column,
      severity: 'ERROR',
      message: message.replace(/ in JSON at position.*$/, '').replace(/\s*\(line \d+ column \d+\)/, ''),
    };
  }
}

export function StartPage({ arn }: { arn: string }) {
  const machine = useAsync(() => call<StateMachine>('DescribeStateMachine', { stateMachineArn: arn }), [arn]);
  const [name, setName] = useState('');
  const [input, setInput] = useState(() => {
    const prefill = sessionStorage.getItem(PREFILL_KEY);
    sessionStorage.removeItem(PREFILL_KEY);
    return prefill ?? '{\n  "Comment": "Insert your JSON here"\n}';
  });
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const marker = useMemo(() => jsonMarker(input), [input]);
  const [result, setResult] = useState<SyncResult | undefined>();
  const [sync, setSync] = useState(true);
  const express = machine.data?.type === 'EXPRESS';
  const machineName = machine.data?.name;
  // A server without the endpoint (or without a mock configuration) offers no test case.
  const mocks = useAsync(
    () =>
      machineName === undefined
        ? Promise.resolve(undefined)
        : getJson<MocksAnswer>(`/console/api/mocks?stateMachineName=${encodeURIComponent(machineName)}`),
    [machineName],
  );
  const testCases = mocks.data?.stateMachines.find((m) => m.stateMachineName === machineName)?.testCases ?? [];
  const [testCase, setTestCase] = useState('');
  const chosen = testCases.includes(testCase) ? testCase : '';
  const waitForResult = express && sync && !chosen;

  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (waitForResult) {
        setResult(undefined);
        setResult(
          await call<SyncResult>('StartSyncExecution', { stateMachineArn: arn, input, ...(name ? { name } : {}) }),
        );
      } else {
        const out = await call<{ executionArn: string }>('StartExecution', {
          stateMachineArn: chosen ? `${arn}#${chosen}` : arn,
          input,
          ...(name ? { name } : {}),
        });
        navigate(href.execution(out.executionArn));
      }
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> / <a href={href.machine(arn)}>{machine.data?.name ?? '…'}</a> /
        Start execution
      </p>
      <div className="page-head">
        <h1>Start execution</h1>
        <div className="actions">
          <a className="button" href={href.machine(arn)}>
            Cancel
          </a>
          <button type="button" className="primary" disabled={busy || Boolean(marker)} onClick={() => void start()}>
            {busy ? 'Starting…' : 'Start execution'}
          </button>
        </div>
      </div>
      <ErrorBox error={machine.error ?? error} />
      <div className="form-row">
        <label>
          Name (optional){' '}
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="generated when empty" />
        </label>
        {mocks.data?.configured && testCases.length > 0 && (
          <label>
            Mock test case{' '}
            <select value={chosen} onChange={(e) => setTestCase(e.target.value)}>
              <option value="">none: real integrations</option>
              {testCases.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        )}
        {express && (
          <label>
            <input
              type="checkbox"
              checked={sync && !chosen}
              disabled={Boolean(chosen)}
              onChange={(e) => setSync(e.target.checked)}
            />{' '}
            Wait for the result (StartSyncExecution); otherwise start it and open its page (StartExecution)
          </label>
        )}
      </div>
      {mocks.data?.configured && machineName !== undefined && (
        <p className="muted" data-testid="test-case-help">
          {testCases.length === 0
            ? `The server's mock configuration has no test case for ${machineName}: its Task states run their real integrations.`
            : chosen
              ? `Starts ${machineName}#${chosen}: the Task states that test case names return its mocked responses, the others run their real integrations.${express ? ' A test case starts with StartExecution (StartSyncExecution takes none), and its page opens.' : ''}`
              : `The server's mock configuration has ${testCases.length} test case${testCases.length === 1 ? '' : 's'} for ${machineName}; choose one to run with its mocked responses.`}
        </p>
      )}
      <h2>Input</h2>
      <CodeEditor
        label="Execution input (JSON)"
        value={input}
        onChange={setInput}
        markers={marker ? [marker] : []}
        minLines={10}
      />
      {result && (
        <section className="sync-result" data-testid="sync-result" aria-label="Result">
          <h2>
            Result <StatusBadge status={result.status} />
          </h2>
          <dl className="facts">
            <div className="field">
              <dt>Execution</dt>
              <dd>
                <a href={href.execution(result.executionArn)}>{result.name ?? result.executionArn}</a>
              </dd>
            </div>
            <div className="field">
              <dt>Started</dt>
              <dd>
                <When seconds={result.startDate} />
              </dd>
            </div>
            <div className="field">
              <dt>Duration</dt>
              <dd>{formatDuration((result.stopDate - result.startDate) * 1000)}</dd>
            </div>
            {result.error && (
              <div className="field">
                <dt>Error</dt>
                <dd>
                  <code>{result.error}</code>
                  {result.cause && <FoldText text={result.cause} label="Cause" />}
                </dd>
              </div>
            )}
          </dl>
          {result.output !== undefined && (
            <>
              <h3>Output</h3>
              <JsonBlock label="Execution output" text={result.output} />
            </>
          )}
          <p className="muted">
            AWS keeps no record of Express executions; this server keeps the recent ones in memory (the state machine's
            Executions tab).
          </p>
        </section>
      )}
    </section>
  );
}
