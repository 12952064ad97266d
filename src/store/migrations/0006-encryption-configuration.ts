import type { Migration } from './migration.js';

/**
 * Encryption configuration (CreateStateMachine, UpdateStateMachine, CreateActivity): stored as
 * given, JSON text; NULL is AWS's default, `{"type":"AWS_OWNED_KEY"}`. Stepwise encrypts nothing
 * with it; it is kept so Describe* answer what was configured.
 */
export const encryptionConfiguration: Migration = {
  id: 6,
  name: 'encryption-configuration',
  sqlite: `ALTER TABLE state_machines ADD COLUMN encryption_configuration TEXT;
ALTER TABLE state_machine_versions ADD COLUMN encryption_configuration TEXT;
ALTER TABLE activities ADD COLUMN encryption_configuration TEXT;`,
  postgres: `ALTER TABLE state_machines ADD COLUMN encryption_configuration text;
ALTER TABLE state_machine_versions ADD COLUMN encryption_configuration text;
ALTER TABLE activities ADD COLUMN encryption_configuration text;`,
};
