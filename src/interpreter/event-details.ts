/** Details of the events a step writes for every state: their JSON texts, built once each. */
import type { Json, JsonObject } from '../json.js';
import type { StateExitedEventDetails } from '../vocabulary/history-events.js';

/**
 * The JSON text of values for events' details, the last value's kept: the same value again (a
 * state's output as the next state's input, the execution's input as the first state's) is not
 * printed again. Values are never changed in place during a step, and each step has its own.
 */
export class JsonText {
  private last: { value: Json; text: string } | undefined;

  of(value: Json): string {
    const last = this.last;
    if (last !== undefined && last.value === value) return last.text;
    const text = JSON.stringify(value);
    this.last = { value, text };
    return text;
  }
}

/** A `…StateExited` event's details: the state's name, its output's text and the variables it assigned. */
export function exitedDetails(name: string, output: string, assigned: JsonObject | undefined): StateExitedEventDetails {
  const details: StateExitedEventDetails = { name, output, outputDetails: { truncated: false } };
  if (assigned) {
    details.assignedVariables = Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, JSON.stringify(v)]));
    details.assignedVariablesDetails = { truncated: false };
  }
  return details;
}
