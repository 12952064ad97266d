/**
 * The integrations a server runs Task resources with, in the order they are asked. Each
 * integration adds itself here; `server.ts` is the only caller.
 */
import type { Logger } from 'pino';
import { IntegrationRegistry } from './registry.js';

export interface IntegrationOptions {
  logger?: Logger;
  /** Environment to read integration settings from (defaults to process.env). */
  env?: Record<string, string | undefined>;
}

export function createIntegrations(_options: IntegrationOptions = {}): IntegrationRegistry {
  const registry = new IntegrationRegistry();
  return registry;
}
