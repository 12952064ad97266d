/**
 * "Re-run from here": a new execution of an execution's state machine that starts at one of its
 * top-level states, with the input that state was given (editable, checked as JSON while typed).
 * The same state machine `stepwise run-from` makes (`<name>-from-<State>`, definition rewritten by
 * src/asl/graph/run-from.ts, a Comment naming the original execution), created or updated over
 * the API, then started.
 */
import { useMemo, useState } from 'react';
import {
  definitionFrom,
  parseRunFromComment,
  runFromComment,
  runFromMachineName,
  type RunFromDefinition,
} from '../../../src/asl/graph/run-from.js';
import { ApiError, arnLabel, call, prettyJson, DEFAULT_ROLE } from '../api.js';
import { CodeEditor } from '../code-editor.js';
import { parseDefinitionText } from '../definition.js';
import { href, navigate } from '../router.js';
import { ErrorBox, Field } from '../ui.js';
import { jsonMarker } from './start.js';

export interface RerunMachine {
  definition: string;
  name: string;
  stateMachineArn: string;
  roleArn?: string;
}

/** Creates (or updates) `<name>-from-<state>` and starts it with `input`; the new execution's ARN. */
export async function startRerun(
  executionArn: string,
  machine: RerunMachine,
  state: string,
  input: string,
): Promise<string> {
  const definition = parseDefinitionText(machine.definition) as RunFromDefinition | undefined;
  if (!definition || typeof definition !== 'object') throw new Error('the definition is not JSON');
  const generated = JSON.stringify(
    definitionFrom(definition, state, runFromComment(executionArn, state, 'console')),
    null,
    2,
  );
  const name = runFromMachineName(machine.name, state);
  const roleArn = machine.roleArn ?? DEFAULT_ROLE;
  let stateMachineArn: string;
  try {
    stateMachineArn = (
      await call<{ stateMachineArn: string }>('CreateStateMachine', { name, definition: generated, roleArn })
    ).stateMachineArn;
  } catch (error) {
    if (!(error instanceof ApiError) || error.type !== 'StateMachineAlreadyExists') throw error;
    stateMachineArn = `${machine.stateMachineArn.split(':').slice(0, 6).join(':')}:${name}`;
    await call('UpdateStateMachine', { stateMachineArn, definition: generated, roleArn });
  }
  const started = await call<{ executionArn: string }>('StartExecution', { stateMachineArn, input });
  return started.executionArn;
}

/** Whether `state` is a top-level state of the definition (only those can be started at). */
export function isTopLevel(definitionText: string | undefined, state: string): boolean {
  const definition = parseDefinitionText(definitionText ?? '') as RunFromDefinition | undefined;
  return Boolean(definition?.States && typeof definition.States === 'object' && state in definition.States);
}

export function RerunPanel({
  executionArn,
  machine,
  state,
  input,
}: {
  executionArn: string;
  machine: RerunMachine;
  state: string;
  input: string;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(() => prettyJson(input));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const marker = useMemo(() => jsonMarker(text), [text]);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} data-testid="rerun-open">
        Re-run from here
      </button>
    );
  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      navigate(href.execution(await startRerun(executionArn, machine, state, text)));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="rerun" data-testid="rerun">
      <h3>Re-run from {state}</h3>
      <p className="muted">
        Starts <code>{runFromMachineName(machine.name, state)}</code> ({machine.name} starting at {state}) with this
        input. Not carried over: variables assigned before {state}, the original $$.Execution.
      </p>
      <CodeEditor
        label="Re-run input (JSON)"
        value={text}
        onChange={setText}
        markers={marker ? [marker] : []}
        minLines={6}
      />
      <ErrorBox error={error} />
      <div className="actions">
        <button type="button" className="primary" disabled={busy || Boolean(marker)} onClick={() => void go()}>
          {busy ? 'Starting…' : 'Start the re-run'}
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** "Re-run of <execution> from <state>" when the execution's state machine was made by a re-run. */
export function RerunOrigin({ definition }: { definition?: string }) {
  const origin = parseRunFromComment((parseDefinitionText(definition ?? '') as { Comment?: unknown })?.Comment);
  if (!origin) return null;
  return (
    <Field label="Re-run of">
      <span data-testid="rerun-origin">
        <a href={href.execution(origin.executionArn)}>{arnLabel(origin.executionArn)}</a> from state{' '}
        <code>{origin.state}</code>
      </span>
    </Field>
  );
}
