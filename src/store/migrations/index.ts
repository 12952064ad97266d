import { initial } from './0001-initial.js';
import { activities } from './0002-activities.js';
import { testCase } from './0003-test-case.js';
import { cluster } from './0004-cluster.js';
import { processEndings } from './0005-process-endings.js';
import { encryptionConfiguration } from './0006-encryption-configuration.js';
import { outbox } from './0007-outbox.js';
import { retention } from './0008-retention.js';
import { mapRuns } from './0009-map-runs.js';
import type { Migration } from './migration.js';

export { pendingMigrations, type AppliedMigration, type Migration } from './migration.js';

/** Every migration, in order. Append only. */
export const migrations: readonly Migration[] = [
  initial,
  activities,
  testCase,
  cluster,
  processEndings,
  encryptionConfiguration,
  outbox,
  retention,
  mapRuns,
];
