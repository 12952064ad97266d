/**
 * Create a state machine, or edit one's definition. The server validates as you type
 * (POST /console/api/validate, the same validator as CreateStateMachine's, with line and column);
 * a newer edit aborts the older request. It validates again on save (CreateStateMachine /
 * UpdateStateMachine), and its refusal is shown as is.
 */
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { DEFAULT_ROLE, arnLabel, call, postJson, type StateMachine, type Validation } from '../api.js';
import { CodeEditor, type Marker } from '../code-editor.js';
import { formatDefinition, parseDefinitionText, type Format } from '../definition.js';
import { GraphView } from '../graph/GraphView.js';
import { buildGraph, type Graph } from '../graph/model.js';
import { href, navigate } from '../router.js';
import { ErrorBox, Tabs } from '../ui.js';

const VALIDATE_PATH = '/console/api/validate';
const VALIDATE_DELAY_MS = 150;

const SAMPLE = JSON.stringify(
  {
    Comment: 'A new state machine',
    StartAt: 'Hello',
    States: {
      Hello: { Type: 'Pass', Result: { hello: 'world' }, Next: 'IsWorld' },
      IsWorld: {
        Type: 'Choice',
        Choices: [{ Variable: '$.hello', StringEquals: 'world', Next: 'Done' }],
        Default: 'Failed',
      },
      Done: { Type: 'Succeed' },
      Failed: { Type: 'Fail', Error: 'NotWorld' },
    },
  },
  null,
  2,
);

export function EditorPage({ arn }: { arn?: string }) {
  const [text, setText] = useState(arn ? '' : SAMPLE);
  const [format, setFormat] = useState<Format>('json');
  const [name, setName] = useState('');
  const [type, setType] = useState<'STANDARD' | 'EXPRESS'>('STANDARD');
  const [publish, setPublish] = useState(false);
  const [versionDescription, setVersionDescription] = useState('');
  const [machine, setMachine] = useState<StateMachine | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | undefined>();

  useEffect(() => {
    if (!arn) return;
    call<StateMachine>('DescribeStateMachine', { stateMachineArn: arn }).then(
      (m) => {
        setMachine(m);
        setType(m.type);
        setText(formatDefinition(m.definition, 'json'));
      },
      (e: Error) => setError(e),
    );
  }, [arn]);

  const deferred = useDeferredValue(text);
  const [validation, setValidation] = useState<Validation | undefined>();
  useEffect(() => {
    if (!deferred.trim()) {
      setValidation(undefined);
      return;
    }
    const controller = new AbortController();
    // A short pause, so typing a word costs one request rather than one a keystroke.
    const timer = setTimeout(() => {
      postJson<Validation>(VALIDATE_PATH, { definition: deferred, type }, controller.signal).then(
        (result) => setValidation(result),
        (e: Error) => {
          if (!controller.signal.aborted) setError(e);
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [deferred, type]);
  const markers: Marker[] = useMemo(
    () =>
      (validation?.diagnostics ?? []).map((d) => ({
        line: d.line,
        column: d.column,
        severity: d.severity,
        message: d.message,
        code: d.code,
      })),
    [validation],
  );
  const [graph, setGraph] = useState<Graph>(() => buildGraph(parseDefinitionText(text)));
  useEffect(() => {
    // Keep the last graph that parsed while the text is broken mid-edit.
    const parsed = parseDefinitionText(deferred);
    if (parsed && typeof parsed === 'object') setGraph(buildGraph(parsed));
  }, [deferred]);

  const switchFormat = (next: Format) => {
    setText(formatDefinition(text, next));
    setFormat(next);
  };

  const save = async () => {
    setSaving(true);
    setError(undefined);
    setSaved(undefined);
    try {
      // The API takes the definition as JSON text; YAML is for editing.
      const definition = format === 'yaml' ? formatDefinition(text, 'json') : text;
      if (arn) {
        const result = await call<{ stateMachineVersionArn?: string }>('UpdateStateMachine', {
          stateMachineArn: arn,
          definition,
          ...(publish ? { publish: true, ...(versionDescription ? { versionDescription } : {}) } : {}),
        });
        setSaved(
          result.stateMachineVersionArn ? `Saved and published ${arnLabel(result.stateMachineVersionArn)}` : 'Saved',
        );
      } else {
        const result = await call<{ stateMachineArn: string }>('CreateStateMachine', {
          name,
          definition,
          roleArn: DEFAULT_ROLE,
          type,
          ...(publish ? { publish: true, ...(versionDescription ? { versionDescription } : {}) } : {}),
        });
        navigate(href.machine(result.stateMachineArn));
      }
    } catch (e) {
      setError(e as Error);
    } finally {
      setSaving(false);
    }
  };

  const errors = markers.filter((m) => m.severity === 'ERROR').length;
  return (
    <section>
      <p className="crumbs">
        <a href={href.machines()}>State machines</a> /{' '}
        {arn ? (
          <>
            <a href={href.machine(arn)}>{machine?.name ?? '…'}</a> / Edit
          </>
        ) : (
          'Create'
        )}
      </p>
      <div className="page-head">
        <h1>{arn ? `Edit ${machine?.name ?? ''}` : 'Create a state machine'}</h1>
        <div className="actions">
          {arn && (
            <a className="button" href={href.machine(arn)}>
              Cancel
            </a>
          )}
          <button
            type="button"
            className="primary"
            disabled={saving || (!arn && !name.trim())}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : arn ? 'Save' : 'Create'}
          </button>
        </div>
      </div>
      <div className="form-row">
        {!arn && (
          <label>
            Name{' '}
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="my-state-machine" required />
          </label>
        )}
        {!arn && (
          <label>
            Type{' '}
            <select value={type} onChange={(e) => setType(e.target.value as 'STANDARD' | 'EXPRESS')}>
              <option value="STANDARD">Standard</option>
              <option value="EXPRESS">Express</option>
            </select>
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} /> Publish a version
        </label>
        {publish && (
          <label>
            Version description{' '}
            <input value={versionDescription} onChange={(e) => setVersionDescription(e.target.value)} />
          </label>
        )}
      </div>
      <ErrorBox error={error} />
      {saved && (
        <p className="ok" role="status">
          {saved}
        </p>
      )}
      <div className="editor-layout">
        <div>
          <div className="editor-head">
            <Tabs
              label="Format"
              value={format}
              onChange={switchFormat}
              tabs={
                [
                  ['json', 'JSON'],
                  ['yaml', 'YAML'],
                ] as const
              }
            />
            <span className={errors ? 'validity bad' : 'validity good'} data-testid="validity">
              {validation === undefined
                ? ''
                : errors
                  ? `${errors} error${errors > 1 ? 's' : ''}`
                  : markers.length
                    ? `Valid, ${markers.length} warning${markers.length > 1 ? 's' : ''}`
                    : 'Valid'}
            </span>
          </div>
          <CodeEditor
            label={`Definition (${format.toUpperCase()})`}
            value={text}
            onChange={setText}
            markers={markers}
          />
        </div>
        <div>
          <GraphView graph={graph} height={600} exportName={machine?.name ?? (name || 'state-machine')} />
        </div>
      </div>
    </section>
  );
}
