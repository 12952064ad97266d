/**
 * vitest's global setup: without the conformance corpus, one line says which tests are skipped and
 * how to run them; with STEPWISE_REQUIRE_CONFORMANCE=1 (CI) a missing corpus fails the run.
 */
import { conformanceAvailable, conformanceMissingNote, conformanceRequiredError } from './corpus-dir.js';

export default function setup(): void {
  const required = conformanceRequiredError();
  if (required !== undefined) throw new Error(required);
  if (!conformanceAvailable) console.log(conformanceMissingNote());
}
