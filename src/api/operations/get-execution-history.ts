import type { HistoryEvent } from '../../vocabulary/history-events.js';
import type { Operation } from '../context.js';
import { standardExecution } from '../executions.js';
import { nextToken, pageRequest, readPagination } from '../pagination.js';
import { Limits } from '../request.js';

/** Details members that carry execution data, left out when includeExecutionData is false. */
const dataMembers = new Set(['input', 'inputDetails', 'output', 'outputDetails']);

export const getExecutionHistory: Operation = async (request, ctx) => {
  const text = request.requiredString('executionArn', Limits.arn);
  const pagination = readPagination(request);
  const reverse = request.boolean('reverseOrder') ?? false;
  const includeData = request.boolean('includeExecutionData') ?? true;
  request.check();

  const execution = await standardExecution(ctx, text);
  const listing = `history:${execution.arn}:${reverse}`;
  const page = pageRequest(pagination, listing);
  const afterId = page.after === undefined ? undefined : Number(page.after);
  const events = await ctx.store.getHistory(execution.arn, { afterId, limit: page.limit + 1, reverse });
  const shown = events.slice(0, page.limit);
  const more = events.length > page.limit;
  return {
    events: shown.map((event) => serialiseEvent(event, includeData)),
    nextToken: more ? nextToken(String(shown.at(-1)?.id), listing) : undefined,
  };
};

/** The event as the API sends it: timestamp in epoch seconds, data stripped on request. */
export function serialiseEvent(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'timestamp') out.timestamp = event.timestamp / 1000;
    else if (!includeData && key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).filter(([member]) => !dataMembers.has(member)));
    } else out[key] = value;
  }
  return out;
}
