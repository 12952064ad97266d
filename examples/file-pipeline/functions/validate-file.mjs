/**
 * Checks an expense CSV before anything is done with it:
 *
 *   date,category,amount
 *   2026-01-05,travel,120.50
 *
 * A header naming at least `category` and `amount`, at least one row, the header's number of
 * columns on every row, a category on every row, and amounts that are numbers with at most two
 * decimals. Returns the rows as `{ category, amount }` (amount in cents, so totals stay exact);
 * throws `ValidationError` (the Task's error name) saying what is wrong and where.
 */
class ValidationError extends Error {
  name = 'ValidationError';
}

const AMOUNT = /^-?\d+(\.\d{1,2})?$/;

export const handler = async (event) => {
  const { key, body } = event;
  const lines = String(body ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new ValidationError(`${key}: the file is empty`);

  const header = lines[0].split(',').map((name) => name.trim().toLowerCase());
  const category = header.indexOf('category');
  const amount = header.indexOf('amount');
  if (category < 0 || amount < 0) {
    throw new ValidationError(`${key}: the header must name the columns "category" and "amount" (found "${lines[0]}")`);
  }
  if (lines.length === 1) throw new ValidationError(`${key}: the file has a header but no rows`);

  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const cells = lines[i].split(',').map((cell) => cell.trim());
    if (cells.length !== header.length) {
      throw new ValidationError(`${key}, line ${line}: expected ${header.length} columns, found ${cells.length}`);
    }
    if (!cells[category]) throw new ValidationError(`${key}, line ${line}: the category is empty`);
    if (!AMOUNT.test(cells[amount]))
      throw new ValidationError(`${key}, line ${line}: amount "${cells[amount]}" is not a number`);
    const [units, decimals = ''] = cells[amount].replace('-', '').split('.');
    const cents = Number(units) * 100 + Number(decimals.padEnd(2, '0'));
    rows.push({ category: cells[category], amount: cells[amount].startsWith('-') ? -cents : cents });
  }
  return { rows };
};
