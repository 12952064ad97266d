import { child, schemaError } from '../diagnostics.js';
import { pythonRepr } from '../python-repr.js';
import { MAX_LABEL_LENGTH } from '../../vocabulary/names.js';
import type { RuleFamily } from './context.js';
import { hasField, typeError } from './values.js';

/** Characters a Map Label may not contain besides whitespace and controls: brackets, wildcards, specials. */
const FORBIDDEN_PUNCTUATION = new Set('<>{}[]?*"#%\\^|~`$&,;:');

function isForbidden(ch: string): boolean {
  const code = ch.codePointAt(0) as number;
  const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  return control || /\s/u.test(ch) || FORBIDDEN_PUNCTUATION.has(ch);
}

/** Map Label: AWS fails these with a Python ValueError text, not a diagnostic (see invalidDefinitionMessage). */
export const mapLabelRules: RuleFamily = {
  name: 'Map Label',
  state(ctx, { state, type, location }) {
    if (type !== 'Map' || !hasField(state, 'Label')) return;
    const label = state.Label;
    const at = child(location, 'Label');
    if (typeof label !== 'string') return ctx.report(typeError(['STRING'], at));
    const problem = labelProblem(label);
    if (problem !== undefined) ctx.report({ ...schemaError(problem, at), pythonError: 'ValueError' });
  },
};

export function labelProblem(label: string): string | undefined {
  if (label.length === 0) return 'Label cannot be empty';
  if ([...label].length > MAX_LABEL_LENGTH) return `Label cannot exceed ${MAX_LABEL_LENGTH} characters`;
  const bad = [...label].find(isForbidden);
  if (bad !== undefined) return `Label contains invalid character: ${pythonRepr(bad)}`;
  return undefined;
}
