/**
 * "Did you mean": the defined name nearest to a misspelt one, by Damerau-Levenshtein distance (a
 * swapped pair of letters is one edit, as typos are). Only close names are suggested: at most one
 * edit in three letters, so that a short name is not "corrected" into an unrelated one.
 */
import damerauLevenshtein from 'damerau-levenshtein';

/**
 * Names longer than AWS allows (80 characters) get no suggestion: the distance costs the product of
 * the two lengths in time and memory, and a definition may carry a `Next` of 100,000 characters.
 */
const MAX_NAME_LENGTH = 80;
/** Past this many states, no suggestions: each costs one distance per state. */
const MAX_CANDIDATES = 2_000;

/** The largest distance worth suggesting for a name of this length. */
function threshold(length: number): number {
  return length < 3 ? 0 : Math.max(1, Math.floor(length / 3));
}

/** The nearest of `names` to `wanted` (the first one on a tie), or undefined when none is close. */
export function nearestName(wanted: string, names: Iterable<string>): string | undefined {
  if (wanted.length > MAX_NAME_LENGTH) return undefined;
  const lower = wanted.toLowerCase();
  const limit = threshold(Math.max(wanted.length, 1));
  let best: { name: string; steps: number } | undefined;
  let seen = 0;
  for (const name of names) {
    if (++seen > MAX_CANDIDATES) return undefined;
    // The distance is at least the difference in length: most names are ruled out unmeasured.
    if (name === wanted || name.length > MAX_NAME_LENGTH || Math.abs(name.length - wanted.length) > limit) continue;
    // A difference of case only is the nearest there is.
    const steps = name.toLowerCase() === lower ? 0 : damerauLevenshtein(wanted, name).steps;
    if (steps > limit && steps !== 0) continue;
    if (best === undefined || steps < best.steps) best = { name, steps };
  }
  return best?.name;
}
