import type jsonata from 'jsonata';

/**
 * Names of every `$name` variable an expression mentions (without the `$`), collected once at
 * compile time so an evaluation binds only those. Function calls count too: `$now()` mentions `now`.
 */
export function referencedVariables(ast: jsonata.ExprNode): ReadonlySet<string> {
  const names = new Set<string>();
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.type === 'variable' && typeof record.value === 'string' && record.value !== '') {
      names.add(record.value);
    }
    for (const child of Object.values(record)) visit(child);
  };
  visit(ast);
  return names;
}
