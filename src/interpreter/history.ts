/** Moved to the vocabulary leaf; this path remains while older importers move over. */
export * from '../vocabulary/history-events.js';
