import {
  historyEvent,
  type EventDetailsFor,
  type HistoryEvent,
  type HistoryEventType,
} from '../vocabulary/history-events.js';

export interface EventPosition {
  id: number;
  previousEventId: number;
  timestamp: number;
}

/**
 * An event's details built now, its position given later: the details (which serialize state
 * data and may throw) are made before an id is taken, so a failure never leaves a gap in the ids.
 */
export function pendingEvent<T extends HistoryEventType>(
  type: T,
  details?: () => EventDetailsFor<T>,
): (position: EventPosition) => HistoryEvent {
  const args = (details ? [details()] : []) as EventDetailsFor<T> extends undefined ? [] : [EventDetailsFor<T>];
  return (position) => historyEvent(position, type, ...args);
}
