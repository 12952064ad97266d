/** The `damerau-levenshtein` package ships no types. */
declare module 'damerau-levenshtein' {
  interface Distance {
    /** Edits (insertions, deletions, substitutions, transpositions) from one string to the other. */
    steps: number;
    /** steps / the longer length. */
    relative: number;
    /** 1 - relative. */
    similarity: number;
  }
  function damerauLevenshtein(a: string, b: string, limit?: number): Distance;
  export default damerauLevenshtein;
}
