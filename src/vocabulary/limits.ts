/**
 * AWS's Step Functions quotas that change behaviour, in one place, as AWS documents them
 * ("Step Functions service quotas" in the developer guide). Sizes are bytes of UTF-8 JSON text.
 */

/** A state's input or output, an execution's input, a task's result: 256 KiB (States.DataLimitExceeded beyond). */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** History events per execution; a Standard execution that would pass it fails. */
export const HISTORY_EVENT_QUOTA = 25_000;

/** RedriveExecution: only within 14 days of the stop... */
export const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
/** ...and at most 1,000 times. */
export const MAX_REDRIVES = 1000;

/** An Express execution runs for at most five minutes (States.Timeout beyond). */
export const EXPRESS_MAX_DURATION_MS = 5 * 60 * 1000;

/** State names, and execution, state machine, activity, version and alias names: 80 characters. */
export const MAX_STATE_NAME_LENGTH = 80;
/** A Distributed Map's Label: 40 characters. */
export const MAX_LABEL_LENGTH = 40;

/** ItemReader ReaderConfig MaxItems: "up to 100,000,000" (developer guide, "ItemReader (Map)"). */
export const MAX_READER_ITEMS = 100_000_000;

/** ItemBatcher MaxInputBytesPerBatch: a batch is at most 256 KiB (developer guide, "ItemBatcher (Map)"). */
export const MAX_BATCH_INPUT_BYTES = 256 * 1024;

/**
 * The deepest nesting of arrays and objects accepted in any JSON (or YAML) text: request bodies,
 * definitions, execution inputs, task results, `States.StringToJson`, JSONata's `$parse`. Checked by
 * a linear scan of the text before any recursive parser, printer or regex sees it.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Stepwise's own bounds on one expression evaluation, so that one state cannot stall or exhaust the
 * server (AWS documents none; it bounds evaluation by its own means). Beyond any of them the state
 * fails with States.Runtime and a cause that names the limit.
 */
export const EXPRESSION_LIMITS = {
  /** JSONata evaluation steps (one per node of the expression evaluated). */
  maxSteps: 5_000_000,
  /** JSONata evaluation nesting: user function recursion counts here. */
  maxDepth: 2_000,
  /** Items in one JSONata sequence (a range, a path's results): jsonata's own `sequence` option. */
  maxSequence: 1_000_000,
  /** Growth of the JS heap while one evaluation runs (what it builds and keeps), in bytes. */
  maxHeapGrowthBytes: 512 * 2 ** 20,
  /** Milliseconds of evaluation, not counting the time it yields to others. */
  maxActiveMs: 5_000,
  /** An evaluation yields to the event loop after this many milliseconds of work. */
  yieldAfterMs: 10,
} as const;
