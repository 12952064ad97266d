/**
 * Re-running an execution from one of its top-level states (`stepwise run-from` and the console's
 * "Re-run from here"): Step Functions cannot start an execution at a state, so both make a state
 * machine next to the original (`<name>-from-<State>`) whose definition is the original's with
 * `StartAt` moved to that state, the states it cannot reach left out, and a `Comment` naming the
 * execution it came from. Pure (no I/O), so the console bundles it as is.
 */

export type RunFromDefinition = {
  StartAt?: unknown;
  States?: Record<string, Record<string, unknown>>;
  Comment?: unknown;
} & Record<string, unknown>;

/** The definition started at `state`, keeping only the states it reaches. */
export function definitionFrom(definition: RunFromDefinition, state: string, comment: string): RunFromDefinition {
  const states = definition.States ?? {};
  const reached = new Set<string>();
  const pending = [state];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (reached.has(name) || !(name in states)) continue;
    reached.add(name);
    const s = states[name];
    const targets: unknown[] = [s.Next, s.Default];
    for (const list of [s.Choices, s.Catch])
      if (Array.isArray(list)) for (const c of list) targets.push((c as { Next?: unknown }).Next);
    for (const t of targets) if (typeof t === 'string') pending.push(t);
  }
  return {
    ...definition,
    Comment: comment,
    StartAt: state,
    States: Object.fromEntries(Object.entries(states).filter(([name]) => reached.has(name))),
  };
}

/** The name of the state machine that starts `machineName` at `state` (AWS's name rules, 80 characters). */
export function runFromMachineName(machineName: string, state: string): string {
  return `${machineName}-from-${state}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
}

/** The `Comment` of a re-run state machine; `via` says what made it ("stepwise run-from", "console"). */
export function runFromComment(executionArn: string, state: string, via: string): string {
  return `Re-run of ${executionArn} from state ${state} (${via})`;
}

/** The execution and state a re-run state machine's `Comment` names, if it is one. */
export function parseRunFromComment(comment: unknown): { executionArn: string; state: string } | undefined {
  if (typeof comment !== 'string') return undefined;
  const m = /^Re-run of (arn:\S+) from state (.+) \([^()]*\)$/.exec(comment);
  return m ? { executionArn: m[1]!, state: m[2]! } : undefined;
}
