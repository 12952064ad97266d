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
/**
 * JSON (and YAML) nesting: at most 512 levels of arrays and objects, checked on the text by a
 * linear scan before any recursive parser, serializer or regex sees it.
 */
export const MAX_JSON_DEPTH = 512;
