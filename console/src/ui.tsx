import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { formatDate, prettyJson } from './api.js';

export function useAsync<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data?: T; error?: Error; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) =>
        live && setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function ErrorBox({ error }: { error?: Error | string }) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : `${error.name}: ${error.message}`;
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase().replace(/_/g, '-')}`}>
      {status.replace(/_/g, ' ').toLowerCase()}
    </span>
  );
}

/** Characters of a long value shown until the user asks for all of it. */
export const FOLD_CHARS = 600;
/** Lines of a long JSON value shown until the user asks for all of it. */
export const FOLD_LINES = 40;

function folded(text: string, chars: number, lines: number): string | undefined {
  let cut = text.length > chars ? chars : undefined;
  let seen = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < (cut ?? text.length); i = text.indexOf('\n', i + 1)) {
    if (++seen === lines) {
      cut = i;
      break;
    }
  }
  return cut === undefined ? undefined : text.slice(0, cut);
}

function FoldToggle({ open, total, onToggle }: { open: boolean; total: number; onToggle: () => void }) {
  return (
    <button type="button" className="link fold-toggle" aria-expanded={open} onClick={onToggle}>
      {open ? 'Show less' : `Show all (${total.toLocaleString('en')} characters)`}
    </button>
  );
}

/**
 * A value of any length that never widens the page: wrapped anywhere, and past `chars` characters
 * folded to its start with a control to see it whole.
 */
export function FoldText({ text, chars = FOLD_CHARS, label }: { text: string; chars?: number; label?: string }) {
  const [open, setOpen] = useState(false);
  const head = folded(text, chars, Number.MAX_SAFE_INTEGER);
  return (
    <span className="fold-text" aria-label={label} data-folded={head !== undefined && !open ? 'true' : 'false'}>
      <span className="fold-body">{head === undefined || open ? text : `${head}…`}</span>
      {head !== undefined && <FoldToggle open={open} total={text.length} onToggle={() => setOpen(!open)} />}
    </span>
  );
}

export function JsonBlock({ text, label }: { text?: string; label: string }) {
  const [open, setOpen] = useState(false);
  const pretty = text === undefined ? undefined : prettyJson(text);
  const head = pretty === undefined ? undefined : folded(pretty, FOLD_CHARS * 4, FOLD_LINES);
  return (
    <div className="json-wrap">
      <pre
        className="json"
        aria-label={label}
        tabIndex={0}
        data-folded={head !== undefined && !open ? 'true' : 'false'}
      >
        {pretty === undefined ? <span className="muted">—</span> : head === undefined || open ? pretty : `${head}\n…`}
      </pre>
      {pretty !== undefined && head !== undefined && (
        <FoldToggle open={open} total={pretty.length} onToggle={() => setOpen(!open)} />
      )}
    </div>
  );
}

/** A time (epoch seconds) as local date and time with its zone; the UTC instant on hover. */
export function When({ seconds }: { seconds: number | undefined }) {
  if (seconds === undefined) return <>—</>;
  const iso = new Date(seconds * 1000).toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {formatDate(seconds)}
    </time>
  );
}

/**
 * A button that asks before it acts: the first press shows what will happen and a second button
 * to do it (or Cancel). For deletions and other things that cannot be undone.
 */
export function ConfirmButton({
  label,
  question,
  confirm,
  onConfirm,
  disabled,
  danger = true,
}: {
  label: string;
  question: string;
  confirm: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return (
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="danger primary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void Promise.resolve(onConfirm()).finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {confirm}
      </button>
      <button type="button" onClick={() => setAsking(false)} disabled={busy}>
        Cancel
      </button>
    </span>
  );
}

export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
  label,
}: {
  tabs: readonly (readonly [T, string])[];
  value: T;
  onChange: (v: T) => void;
  label: string;
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map(([id, text]) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={value === id}
          className={value === id ? 'active' : ''}
          onClick={() => onChange(id)}
          data-tab={id}
        >
          {text}
        </button>
      ))}
    </div>
  );
}

/** One fact of a `.facts` grid; `wide` spans the whole row (an error and its cause). */
export function Field({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'field field-wide' : 'field'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
