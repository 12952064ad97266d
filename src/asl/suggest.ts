/**
 * "Did you mean": the defined name nearest to a misspelt one, by Damerau-Levenshtein distance (a
 * swapped pair of letters is one edit, as typos are). Only close names are suggested: at most one
 * edit in three letters, so that a short name is not "corrected" into an unrelated one.
 */
import damerauLevenshtein from 'damerau-levenshtein';

/** The largest distance worth suggesting for a name of this length. */
function threshold(length: number): number {
  return length < 3 ? 0 : Math.max(1, Math.floor(length / 3));
}

/** The nearest of `names` to `wanted` (the first one on a tie), or undefined when none is close. */
export function nearestName(wanted: string, names: Iterable<string>): string | undefined {
  const lower = wanted.toLowerCase();
  let best: { name: string; steps: number } | undefined;
  for (const name of names) {
    if (name === wanted) continue;
    // A difference of case only is the nearest there is.
    const steps = name.toLowerCase() === lower ? 0 : damerauLevenshtein(wanted, name).steps;
    if (steps > threshold(Math.max(wanted.length, 1)) && steps !== 0) continue;
    if (best === undefined || steps < best.steps) best = { name, steps };
  }
  return best?.name;
}
