import type { RuleFamily } from './context.js';
import { choiceRules } from './choice.js';
import { distributedMapRules } from './distributed-map.js';
import { failRules } from './fail.js';
import { jsonataRules } from './jsonata.js';
import { mapLabelRules } from './map-label.js';
import { mapParallelRules } from './map-parallel.js';
import { pathTemplateRules } from './paths-templates.js';
import { retryCatchRules } from './retry-catch.js';
import { stateFieldRules } from './state-fields.js';
import { taskRules } from './task.js';
import { transitionRules } from './transitions.js';
import { waitRules } from './wait.js';

/** Every rule family, in the order their diagnostics are reported for a state. */
export const ruleFamilies: readonly RuleFamily[] = [
  stateFieldRules,
  pathTemplateRules,
  jsonataRules,
  choiceRules,
  waitRules,
  failRules,
  taskRules,
  retryCatchRules,
  mapParallelRules,
  distributedMapRules,
  mapLabelRules,
  transitionRules,
];
