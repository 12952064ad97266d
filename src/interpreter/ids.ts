/**
 * The ids the interpreter hands out: `<kind>-<seq>`, one sequence per execution. `waits` keys
 * hold task and timer ids, and an execution's end cancels each by its kind, told by this prefix.
 * Stored executions hold these ids, so the spelling is part of the persisted form: never rename.
 */
export type IdKind = 'frame' | 'task' | 'timer';

export function formatId(kind: IdKind, seq: number): string {
  return `${kind}-${seq}`;
}

export function isTimerId(id: string): boolean {
  return id.startsWith('timer-');
}
