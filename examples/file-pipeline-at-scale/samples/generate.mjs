/**
 * Writes an expense CSV of any size to stdout, for trying the pipeline at scale:
 *
 *   node examples/file-pipeline-at-scale/samples/generate.mjs 10000 > /tmp/expenses-10k.csv
 *   node examples/file-pipeline-at-scale/samples/generate.mjs 10000 --bad-every 97 --broken 2001-2100
 *
 * Records are EXP-000001, EXP-000002, ... in a fixed pseudo-random order of employees, categories
 * and amounts (the same file every time). `--bad-every N` makes every Nth record invalid (a typo in
 * one field: the pipeline rejects that record); `--broken A-B` garbles records A to B (their
 * columns shifted, as in a bad export: batches that are mostly bad fail as a whole). Prints what it
 * made to stderr.
 */
const args = process.argv.slice(2);
const count = Number(args[0] ?? 10_000);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const badEvery = Number(option('--bad-every') ?? 0);
const [brokenFrom, brokenTo] = (option('--broken') ?? '0-0').split('-').map(Number);

const EMPLOYEES = ['ada', 'alan', 'grace', 'edsger', 'barbara', 'ken', 'margaret', 'dennis'];
const CATEGORIES = ['travel', 'food', 'lodging', 'office', 'software', 'training'];
const TYPOS = [
  (r) => ({ ...r, amount: 'twelve' }),
  (r) => ({ ...r, date: '2026-02-30' }),
  (r) => ({ ...r, category: 'casino' }),
  (r) => ({ ...r, employee: '' }),
];

let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;

const lines = ['id,date,employee,category,amount'];
let rejected = 0;
let broken = 0;
for (let n = 1; n <= count; n++) {
  let record = {
    id: `EXP-${String(n).padStart(6, '0')}`,
    date: `2026-01-${String(1 + Math.floor(random() * 31)).padStart(2, '0')}`,
    employee: EMPLOYEES[Math.floor(random() * EMPLOYEES.length)],
    category: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
    amount: (1 + Math.floor(random() * 80_000) / 100).toFixed(2),
  };
  if (n >= brokenFrom && n <= brokenTo) {
    broken++;
    lines.push([record.id, record.employee, record.category, record.amount, record.date].join(','));
    continue;
  }
  if (badEvery > 0 && n % badEvery === 0) {
    record = TYPOS[(n / badEvery) % TYPOS.length](record);
    rejected++;
  }
  lines.push([record.id, record.date, record.employee, record.category, record.amount].join(','));
}
process.stdout.write(lines.join('\n') + '\n');
process.stderr.write(`${count} records: ${rejected} with a typo, ${broken} garbled\n`);
