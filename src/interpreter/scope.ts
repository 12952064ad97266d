/** Evaluation scopes of a frame: `$`, `$$` and the workflow variables it sees. */
import type { Json, JsonObject } from '../json.js';
import type { EvalScope, Variables } from '../query/scope.js';
import type { ContextExtras } from './context-object.js';
import type { StepContext } from './step-context.js';
import type { Frame, Runtime } from './types.js';
import { FrameVariables } from './variables.js';

/** An evaluation scope whose context object is built on first use (most paths never read `$$`). */
export class FrameScope implements EvalScope {
  private built: JsonObject | undefined;
  readonly variables: Variables;
  readonly runtime: Runtime;

  constructor(
    private readonly run: StepContext,
    private readonly frame: Frame,
    readonly input: Json,
    private readonly extras: ContextExtras | undefined,
  ) {
    this.variables = new FrameVariables(run.state.frames, frame);
    this.runtime = run.rt;
  }

  get context(): JsonObject {
    return (this.built ??= this.run.context(this.frame, this.extras));
  }
}
