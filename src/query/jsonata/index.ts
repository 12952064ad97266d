export {
  JsonataSyntaxError,
  jsonataReturnedNothing,
  jsonataThrew,
  jsonataUnexpectedResultType,
  jsonataUnsupportedResult,
} from './errors.js';
export {
  compileJsonata,
  isJsonataExpression,
  jsonataSource,
  type CompiledJsonata,
  type JsonataBindings,
} from './expression.js';
export { HASH_ALGORITHMS, type HashAlgorithm } from './functions.js';
export { compileJsonataTemplate, type CompiledJsonataTemplate } from './template.js';
