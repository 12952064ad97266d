/**
 * Checks one batch of expense records, as the Distributed Map's ItemReader read them from the CSV
 * (`id,date,employee,category,amount`, one object of header → text per row) and ItemSelector
 * numbered them:
 *
 *   { "items": [{ "index": 0, "row": { "id": "EXP-000001", "date": "2026-01-05", ... } }, ...] }
 *
 * A record needs an id (letters, digits, `-`), a real date (YYYY-MM-DD), an employee, a known
 * category and a positive amount with at most two decimals. Returns the good records (amount in
 * cents, so sums stay exact) and the bad ones with their line in the file and the reason:
 *
 *   { "records": [{ "id", "line", "date", "employee", "category", "amountCents" }],
 *     "rejects": [{ "line", "id", "reason" }] }
 *
 * A stray bad record is only rejected. A batch in which more than half of the records are bad is
 * not a few typos but a broken stretch of the file (wrong columns, a truncated export): it fails as
 * a whole with `BatchRejected`, which the Map counts against its tolerated failures.
 */
class BatchRejected extends Error {
  name = 'BatchRejected';
}

const ID = /^[A-Za-z0-9-]{1,64}$/;
const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const AMOUNT = /^\d+(\.\d{1,2})?$/;
const CATEGORIES = ['travel', 'food', 'lodging', 'office', 'software', 'training'];

/** The reason a record is bad, or undefined when it is good. */
function problem(row) {
  const { id = '', date = '', employee = '', category = '', amount = '' } = row ?? {};
  if (!ID.test(id.trim())) return id.trim() ? `id "${id}" is not valid` : 'the id is empty';
  const day = DATE.exec(date.trim());
  const parsed = day && new Date(`${day[1]}-${day[2]}-${day[3]}T00:00:00Z`);
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.getUTCDate() !== Number(day[3]))
    return `date "${date}" is not a date (YYYY-MM-DD)`;
  if (!employee.trim()) return 'the employee is empty';
  if (!CATEGORIES.includes(category.trim().toLowerCase())) return `category "${category}" is not known`;
  if (!AMOUNT.test(amount.trim()) || Number(amount) === 0) return `amount "${amount}" is not a positive amount`;
  return undefined;
}

function cents(amount) {
  const [units, decimals = ''] = amount.trim().split('.');
  return Number(units) * 100 + Number(decimals.padEnd(2, '0'));
}

export const handler = async (event) => {
  const items = event.items ?? [];
  const records = [];
  const rejects = [];
  for (const { index, row } of items) {
    // The header is line 1, so the first record (index 0) is line 2.
    const line = index + 2;
    const reason = problem(row);
    if (reason) {
      rejects.push({ line, id: row?.id ?? '', reason });
      continue;
    }
    records.push({
      id: row.id.trim(),
      line,
      date: row.date.trim(),
      employee: row.employee.trim(),
      category: row.category.trim().toLowerCase(),
      amountCents: cents(row.amount),
    });
  }
  if (rejects.length * 2 > items.length) {
    const first = rejects[0];
    throw new BatchRejected(
      `lines ${items[0].index + 2}-${items.at(-1).index + 2}: ${rejects.length} of ${items.length} records are invalid ` +
        `(line ${first.line}: ${first.reason})`,
    );
  }
  return { records, rejects };
};
