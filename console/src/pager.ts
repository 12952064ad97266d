/**
 * Reads an execution's history a page at a time (GetExecutionHistory, maxResults up to 1000,
 * following nextToken), handing each page over as it arrives so the page can render and colour
 * the graph before the rest is loaded. Pure apart from the injected `call`.
 */
import type { HistoryEvent } from './api.js';

export type Call = (action: string, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface HistoryPagerOptions {
  executionArn: string;
  call: Call;
  pageSize?: number;
  /** Called with each page, in order. */
  onPage: (events: HistoryEvent[], done: boolean) => void;
  /** Stops after the current page when it returns true (the page went away). */
  cancelled?: () => boolean;
}

/** Loads every page in turn; resolves with the number of events loaded. */
export async function loadHistory(options: HistoryPagerOptions): Promise<number> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 1000, 1), 1000);
  let nextToken: string | undefined;
  let count = 0;
  do {
    if (options.cancelled?.()) return count;
    const page = await options.call('GetExecutionHistory', {
      executionArn: options.executionArn,
      maxResults: pageSize,
      ...(nextToken ? { nextToken } : {}),
    });
    const events = (page.events as HistoryEvent[] | undefined) ?? [];
    nextToken = page.nextToken as string | undefined;
    count += events.length;
    options.onPage(events, nextToken === undefined);
  } while (nextToken);
  return count;
}

/** One page of a client-side table: rows [start, end) of `total`, 1-based page numbers. */
export function pageSlice(
  total: number,
  page: number,
  pageSize: number,
): { start: number; end: number; pages: number; page: number } {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const start = (current - 1) * pageSize;
  return { start, end: Math.min(total, start + pageSize), pages, page: current };
}
