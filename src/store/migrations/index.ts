import { initial } from './0001-initial.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in order. Append only. */
export const migrations: readonly Migration[] = [initial];
