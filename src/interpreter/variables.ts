/**
 * Workflow variable scopes. The top-level states share one scope; each Parallel branch and Map
 * iteration has its own that reads through to the enclosing ones, except a distributed Map's
 * iterations, which run as child executions and see no outer variables. New values take effect
 * when the assigning state exits, so every reference inside a state reads the values at entry.
 */
import type { Json, JsonObject } from '../json.js';
import type { Variables } from '../query/scope.js';
import type { Frame } from './types.js';

export class FrameVariables implements Variables {
  constructor(
    private readonly frames: Record<string, Frame>,
    private readonly frame: Frame,
  ) {}

  lookup(name: string): Json | undefined {
    for (
      let f: Frame | undefined = this.frame;
      f;
      f = f.isolated || f.parentId === undefined ? undefined : this.frames[f.parentId]
    ) {
      if (Object.prototype.hasOwnProperty.call(f.variables, name)) return f.variables[name];
    }
    return undefined;
  }
}

/** The variables after an Assign: a new object, so earlier snapshots stay valid. */
export function withAssigned(current: JsonObject, assigned: JsonObject): JsonObject {
  return Object.keys(assigned).length === 0 ? current : { ...current, ...assigned };
}
