/**
 * The editor's live validation, over HTTP so the console bundles no part of the validator:
 *
 *   POST /console/api/validate   {"definition": "<JSON or YAML text>", "type": "STANDARD" | "EXPRESS"}
 *
 * answers `{"result": "OK" | "FAIL", "diagnostics": [...]}`, each diagnostic with AWS's code and
 * message, its JSON-pointer location and the line and column in the text (which
 * ValidateStateMachineDefinition does not give). A body that is not that shape is a 400
 * ValidationException in AWS's error shape.
 */
import type { FastifyInstance } from 'fastify';
import { isJsonObject, type Json } from '../../json.js';
import { validateDefinition, type ValidationResult } from '../../asl/validate.js';
import { ApiError } from '../errors.js';

export const VALIDATE_ROUTE = '/console/api/validate';

function readRequest(body: unknown): { definition: string; type: 'STANDARD' | 'EXPRESS' } {
  let parsed: Json;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : '') as Json;
  } catch {
    throw new ApiError('ValidationException', 'The request body must be a JSON object');
  }
  if (!isJsonObject(parsed) || typeof parsed.definition !== 'string')
    throw new ApiError('ValidationException', "The request body must be a JSON object with a string 'definition'");
  const type = parsed.type ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS')
    throw new ApiError('ValidationException', "'type' must be STANDARD or EXPRESS");
  return { definition: parsed.definition, type };
}

export function registerConsoleValidate(app: FastifyInstance): void {
  app.post(VALIDATE_ROUTE, async (request, reply): Promise<ValidationResult | Record<string, string>> => {
    try {
      const { definition, type } = readRequest(request.body);
      return validateDefinition(definition, { stateMachineType: type });
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError('InternalFailure', 'An internal error occurred');
      return reply.code(apiError.status).header('x-amzn-errortype', apiError.type).send(apiError.toBody());
    }
  });
}
