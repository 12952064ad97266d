/** The integration port is the engine's (src/engine/ports.ts); this path remains for older importers. */
export type { Integration, TaskInvocation, TaskOutcome } from '../engine/ports.js';
