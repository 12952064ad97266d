import { plain, type IntrinsicDefinition } from './definition.js';

export const uuidFunctions: Record<string, IntrinsicDefinition> = {
  'States.UUID': plain(0, 0, (_args, scope) => scope.runtime.uuid()),
};
