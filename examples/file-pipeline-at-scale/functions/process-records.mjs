/**
 * Prepares a batch of validated expense records for the ledger: each gets the month it is booked
 * in and whether it needs a manager's approval (over 500.00, or any software purchase over 100.00).
 * Returns `{ records: [{ ...record, month, needsApproval }], amountCents }`, the batch's total.
 */
const APPROVAL_LIMIT = 500_00;
const SOFTWARE_LIMIT = 100_00;

export const handler = async (event) => {
  const records = (event.records ?? []).map((record) => ({
    ...record,
    month: record.date.slice(0, 7),
    needsApproval:
      record.amountCents > APPROVAL_LIMIT || (record.category === 'software' && record.amountCents > SOFTWARE_LIMIT),
  }));
  const amountCents = records.reduce((sum, record) => sum + record.amountCents, 0);
  return { records, amountCents };
};
