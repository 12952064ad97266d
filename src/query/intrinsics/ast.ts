import type { Json } from '../../json.js';
import type { CompiledPath } from '../jsonpath/index.js';

/** An argument of an intrinsic call, as parsed once per definition. */
export type IntrinsicArg =
  /** A literal; string literals keep their text split at unescaped `{}` for States.Format. */
  | { kind: 'literal'; value: Json; formatParts?: string[] }
  | { kind: 'path'; path: CompiledPath }
  | { kind: 'call'; name: string; args: IntrinsicArg[] };
