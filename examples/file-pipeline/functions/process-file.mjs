/**
 * Totals the validated rows per category: `{ bucket, key, rowCount, total, totals }`, amounts in
 * currency units (the rows carry cents).
 *
 * It stands in for work that depends on something that is briefly unavailable now and then (a
 * database, a rates service): such failures are thrown as `TransientError`, which the state
 * machine retries. To see a retry, upload a file whose key contains "flaky": the first attempt
 * fails on purpose (the state machine passes `$$.State.RetryCount` as `attempt`).
 */
class TransientError extends Error {
  name = 'TransientError';
}

export const handler = async (event) => {
  const { bucket, key, rows, attempt = 0 } = event;
  if (key.includes('flaky') && attempt === 0) {
    throw new TransientError('The reporting database is busy, try again later');
  }
  const cents = {};
  for (const row of rows) cents[row.category] = (cents[row.category] ?? 0) + row.amount;
  const totals = Object.fromEntries(Object.entries(cents).map(([category, sum]) => [category, sum / 100]));
  const total = Object.values(cents).reduce((sum, value) => sum + value, 0) / 100;
  return { bucket, key, rowCount: rows.length, total, totals };
};
