/**
 * A plain textarea with a line-number gutter and diagnostics marked at their line and column:
 * the lines get a wavy mark, the gutter a dot, and each diagnostic below is a button that puts
 * the caret there. No editor library: the console stays small and keyboard behaviour is native.
 */
import { useMemo, useRef, type KeyboardEvent } from 'react';

export interface Marker {
  /** Undefined for a problem of the whole definition (no location). */
  line?: number;
  column?: number;
  severity: 'ERROR' | 'WARNING';
  message: string;
  code?: string;
}

export function CodeEditor({
  value,
  onChange,
  markers,
  label,
  minLines = 18,
}: {
  value: string;
  onChange: (v: string) => void;
  markers: Marker[];
  label: string;
  minLines?: number;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const lines = useMemo(() => value.split('\n'), [value]);
  const byLine = useMemo(() => {
    const map = new Map<number, Marker>();
    for (const m of markers)
      if (m.line !== undefined && (!map.has(m.line) || m.severity === 'ERROR')) map.set(m.line, m);
    return map;
  }, [markers]);
  const rows = Math.max(minLines, lines.length + 1);

  const goTo = (m: Marker) => {
    const el = area.current;
    if (!el || m.line === undefined) return;
    let offset = 0;
    for (let i = 0; i < m.line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    offset += Math.max(0, (m.column ?? 1) - 1);
    el.focus();
    el.setSelectionRange(offset, offset);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Tab indents (two spaces); Escape then Tab leaves the editor, as in most code editors.
    if (
      e.key === 'Tab' &&
      !e.shiftKey &&
      !e.altKey &&
      !e.ctrlKey &&
      !e.metaKey &&
      e.currentTarget.dataset.escaped !== 'true'
    ) {
      e.preventDefault();
      const el = e.currentTarget;
      const { selectionStart, selectionEnd } = el;
      const next = `${value.slice(0, selectionStart)}  ${value.slice(selectionEnd)}`;
      onChange(next);
      requestAnimationFrame(() => el.setSelectionRange(selectionStart + 2, selectionStart + 2));
    }
    e.currentTarget.dataset.escaped = e.key === 'Escape' ? 'true' : 'false';
  };

  return (
    <div className="editor">
      <div className="editor-scroll">
        <div className="editor-gutter" aria-hidden="true">
          {Array.from({ length: rows }, (_, i) => {
            const m = byLine.get(i + 1);
            return (
              <div
                key={i}
                className={m ? `gutter-line has-${m.severity.toLowerCase()}` : 'gutter-line'}
                title={m?.message}
              >
                {i + 1}
              </div>
            );
          })}
        </div>
        <div className="editor-body">
          <div className="editor-marks" aria-hidden="true">
            {Array.from({ length: rows }, (_, i) => {
              const m = byLine.get(i + 1);
              return (
                <div
                  key={i}
                  className={m ? `mark-line mark-${m.severity.toLowerCase()}` : 'mark-line'}
                  data-line={m ? i + 1 : undefined}
                >
                  {m ? <span className="mark-pad">{' '.repeat(Math.max(0, (m.column ?? 1) - 1))}</span> : null}
                  {m ? (
                    <span className="mark-caret">
                      {(lines[i] ?? '').slice(Math.max(0, (m.column ?? 1) - 1)) || ' '}
                    </span>
                  ) : null}
                </div>
              );
            })}
          </div>
          <textarea
            ref={area}
            className="editor-text"
            aria-label={label}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            wrap="off"
            rows={rows}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={onKeyDown}
            aria-invalid={markers.some((m) => m.severity === 'ERROR')}
            aria-describedby="editor-diagnostics"
          />
        </div>
      </div>
      <ul className="diagnostics" id="editor-diagnostics" aria-live="polite">
        {markers.map((m, i) => (
          <li
            key={i}
            className={`diagnostic diagnostic-${m.severity.toLowerCase()}`}
            data-line={m.line}
            data-column={m.column}
          >
            {m.line !== undefined ? (
              <button type="button" className="link" onClick={() => goTo(m)}>
                Line {m.line}, column {m.column ?? 1}
              </button>
            ) : (
              <span>Definition</span>
            )}{' '}
            <strong>{m.severity === 'ERROR' ? 'Error' : 'Warning'}</strong> {m.code ? <code>{m.code}</code> : null}{' '}
            {m.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
