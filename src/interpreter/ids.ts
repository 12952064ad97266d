/**
 * The ids the interpreter hands out: `<kind>-<seq>`, one sequence per execution. `waits` keys
 * hold task and timer ids, and an execution's end cancels each by its kind, told by this prefix.
 * Stored executions hold these ids, so the spelling is part of the persisted form: never rename.
 */
export type IdKind = 'frame' | 'task' | 'timer';

/**
 * The first ids of each kind, made once: every execution hands out the same ones, and frame ids are
 * keys of ExecutionState.frames, where a fresh string costs a lookup in V8's string table (and a
 * Map of 100 items makes 100 frames per execution).
 */
const CACHED_IDS = 4096;
const cachedIds: Record<IdKind, string[]> = { frame: [], task: [], timer: [] };

export function formatId(kind: IdKind, seq: number): string {
  if (seq >= CACHED_IDS) return `${kind}-${seq}`;
  const ids = cachedIds[kind];
  return (ids[seq] ??= `${kind}-${seq}`);
}

export function isTimerId(id: string): boolean {
  return id.startsWith('timer-');
}
