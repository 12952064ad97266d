/** Succeed: ends its frame with its (filtered) input. */
import type { SucceedState } from '../compiled.js';
import { andThen, type Outcome } from '../outcome.js';
import { passThrough } from '../pipeline/index.js';
import { inputPath } from '../pipeline/jsonpath.js';
import type { StateBehaviour } from './behaviour.js';

export const succeed: StateBehaviour<SucceedState> = {
  compile: (base) => ({ ...base, type: 'Succeed' }),

  run(run, frame, state) {
    const effective = state.queryLanguage === 'JSONata' ? frame.stateInput : inputPath(run, frame, state);
    return andThen(passThrough(run, frame, state, effective), (t): Outcome => ({
      kind: 'end',
      output: t.output,
      assigned: t.assigned,
    }));
  },
};
