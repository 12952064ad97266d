/**
 * Rules every adapter applies to a Commit, so they agree on what is a caller bug (thrown, nothing
 * applied) and what is a conflict (reported, the rest of the batch still applies).
 *
 * - A commit with expectedVersion 0 creates the execution; it conflicts if the execution exists.
 *   Otherwise it conflicts unless the stored version equals expectedVersion.
 * - A commit whose events repeat a stored event id (or each other's) conflicts: history is
 *   append-only and an event id is written once.
 * - A conflicting commit changes nothing; an applied one writes its row, events, timers and tasks.
 * - Within a commit, removals apply before additions: removing and adding the same timer id
 *   reschedules it. Adding an existing timer or task id replaces it.
 * - Thrown (the whole call rejects, nothing applied): `execution.version` not expectedVersion + 1,
 *   or a timer/task added for another execution than the commit's.
 */
import type { Commit } from './types.js';

export function assertValidCommits(commits: readonly Commit[]): void {
  for (const commit of commits) {
    const { execution, expectedVersion } = commit;
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new RangeError(`Commit for ${execution.arn}: expectedVersion must be a non-negative integer`);
    }
    if (execution.version !== expectedVersion + 1) {
      throw new RangeError(
        `Commit for ${execution.arn}: execution.version ${execution.version} must be expectedVersion + 1 (${expectedVersion + 1})`,
      );
    }
    for (const row of [...commit.timersAdded, ...commit.tasksAdded]) {
      if (row.executionArn !== execution.arn) {
        throw new RangeError(`Commit for ${execution.arn} adds a timer or task of ${row.executionArn}`);
      }
    }
  }
}

/** True when the commit's own events repeat an id. */
export function hasDuplicateEventIds(commit: Commit): boolean {
  return new Set(commit.events.map((event) => event.id)).size !== commit.events.length;
}
