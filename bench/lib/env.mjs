// Benchmark settings from the environment, shared by the scripts in bench/.

/** A positive number from `process.env[name]`, or `fallback` when unset or empty; anything else throws. */
export function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return value;
}

/** A comma list from `process.env[name]` (trimmed, empty items dropped), or `fallback` when unset or empty. */
export function envList(name, fallback) {
  const raw = process.env[name];
  if (!raw) return fallback;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
