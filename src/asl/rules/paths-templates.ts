import { child } from '../diagnostics.js';
import type { RuleFamily } from './context.js';
import { checkPath, checkPayloadTemplate, checkReferencePath } from './query-syntax.js';
import { hasField } from './values.js';

const PATHS = ['InputPath', 'OutputPath'] as const;
const TEMPLATES = ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign'] as const;

/** JSONPath states: InputPath/OutputPath/ResultPath syntax, payload templates and intrinsics. */
export const pathTemplateRules: RuleFamily = {
  name: 'paths and templates',
  state(ctx, { state, location, language }) {
    if (language !== 'JSONPath') return;
    for (const field of PATHS) {
      if (hasField(state, field) && state[field] !== null) checkPath(ctx, state[field], child(location, field), field);
    }
    if (hasField(state, 'ResultPath') && state.ResultPath !== null) {
      checkReferencePath(ctx, state.ResultPath, child(location, 'ResultPath'), 'ResultPath');
    }
    for (const field of TEMPLATES) {
      if (hasField(state, field)) checkPayloadTemplate(ctx, state[field], child(location, field));
    }
  },
};
