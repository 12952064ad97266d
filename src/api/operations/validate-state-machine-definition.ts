import { loadDefinition } from '../../interpreter/load.js';
import { StateMachineTypes } from '../configuration.js';
import type { Operation } from '../context.js';
import { Limits } from '../request.js';

const Severities = ['ERROR', 'WARNING'] as const;

/**
 * AWS: `severity` ERROR (the default) returns only errors, WARNING returns errors and warnings;
 * `maxResults` 0 or absent means 100, and `truncated` says whether diagnostics were left off.
 */
export const validateStateMachineDefinition: Operation = async (request) => {
  const definition = request.requiredString('definition', Limits.definition);
  const type = request.enumValue('type', StateMachineTypes) ?? 'STANDARD';
  const severity = request.enumValue('severity', Severities) ?? 'ERROR';
  const maxResults = request.integer('maxResults', { min: 0, max: 100 });
  request.check();

  // The loader, not the validator alone: OK here means CreateStateMachine accepts it.
  const { ok, diagnostics } = loadDefinition(definition, { stateMachineType: type });
  const result = ok ? 'OK' : 'FAIL';
  const shown = diagnostics.filter((d) => severity === 'WARNING' || d.severity === 'ERROR');
  const limit = maxResults ? maxResults : 100;
  return {
    result,
    diagnostics: shown.slice(0, limit).map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      location: d.location === '' ? undefined : d.location,
    })),
    truncated: shown.length > limit,
  };
};
